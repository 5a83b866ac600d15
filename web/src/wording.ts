/**
 * Plain words for reviewers who are not specialists. The decision itself is `src/core/verdict.ts`; this module only
 * says, for each of its outcomes, what it means and what to do.
 */
import type { AgencyStatusName, VerdictReason } from '../../src/core/verdict';

/** How a result is shown: green, red, amber (valid once, not now), or grey (cannot be checked here). */
export type Tone = 'ok' | 'bad' | 'warn' | 'neutral';

export interface Explanation {
  tone: Tone;
  /** A short headline, e.g. "Verified". */
  title: string;
  /** One or two sentences: what it means and what to do. */
  text: string;
}

/** What the explanation needs besides the reason. */
export interface ExplanationContext {
  /** A single file, or a whole folder checked by its Merkle root. */
  subject: 'file' | 'folder';
  network: string;
  agency?: string;
  dataset?: string;
  version?: number;
  date?: string;
  withdrawalReason?: string;
  receiptNetwork?: string;
  receiptPath?: string;
}

export function explainVerdict(reason: VerdictReason | undefined, context: ExplanationContext): Explanation {
  const what = context.dataset ? `version ${context.version} of the dataset ${context.dataset}` : 'a dataset version';
  const subject = context.subject === 'folder' ? 'This folder (every file in it)' : 'This file';
  const exactly = context.subject === 'folder' ? 'exactly these files' : 'exactly this file';
  switch (reason) {
    case undefined:
      return {
        tone: 'ok',
        title: 'Verified',
        text: `${subject} is exactly what ${context.agency ?? 'the agency'} registered as ${what}${context.date ? ` on ${context.date}` : ''}. The agency is active and has not withdrawn this version.`,
      };
    case 'not-anchored':
      if (context.subject === 'folder') {
        return {
          tone: 'bad',
          title: 'Not found',
          text: `No agency registered a folder with exactly these files on ${context.network}. A file may have been changed, added, removed or renamed, or the folder was registered on another network. Add the folder's receipts (step 2, Receipts) to find out which file differs.`,
        };
      }
      return {
        tone: 'bad',
        title: 'Not found',
        text: `No agency registered a file with exactly this content on ${context.network}. The file may have been changed (a single changed character gives a different fingerprint), it may be another version, or it was registered on another network.`,
      };
    case 'content-differs':
      if (context.subject === 'folder') {
        return {
          tone: 'bad',
          title: 'Changed since registration',
          text: 'This folder differs from the folder the agency registered: the list below shows which files were changed, added or removed. Do not rely on it; ask the agency for the original.',
        };
      }
      return {
        tone: 'bad',
        title: 'Changed since registration',
        text: `This file does not match its receipt: its content differs from the file the agency registered${context.receiptPath ? ` as ${context.receiptPath}` : ''}. Do not rely on it; ask the agency for the original.`,
      };
    case 'withdrawn':
      return {
        tone: 'warn',
        title: 'Withdrawn by the agency',
        text: `${context.agency ?? 'The agency'} registered ${exactly} as ${what}, but has since withdrawn this version${context.withdrawalReason ? `, giving this reason: “${context.withdrawalReason}”` : ''}. Look for a newer version of the dataset.`,
      };
    case 'agency-suspended':
      return {
        tone: 'warn',
        title: 'Agency suspended',
        text: `${subject} is exactly what ${context.agency ?? 'the agency'} registered as ${what}, but the agency has since been suspended by the registry's administrators. Treat the file with caution.`,
      };
    case 'agency-retired':
      return {
        tone: 'warn',
        title: 'Agency retired',
        text: `${subject} is exactly what ${context.agency ?? 'the agency'} registered as ${what}, but the agency has since been retired and no longer vouches for its records.`,
      };
    case 'wrong-chain':
      return {
        tone: 'neutral',
        title: 'Receipt is for another network',
        text: `The receipt says this file was registered on ${context.receiptNetwork ?? 'another network'}, but this page is connected to ${context.network}. Choose that network in step 1 to check it.`,
      };
    case 'wrong-contract':
      return {
        tone: 'neutral',
        title: 'Receipt names other contracts',
        text: `The receipt points to a different registry contract than the one this page uses on ${context.network}. Check that you chose the right network and deployment file.`,
      };
    case 'proof-invalid':
      return {
        tone: 'bad',
        title: 'Receipt does not match',
        text: 'The receipt’s proof does not connect this file to the folder the agency registered. The receipt may be damaged or belong to another file.',
      };
    case 'root-not-anchored':
      return {
        tone: 'bad',
        title: 'Folder not found',
        text: `The receipt says this file belongs to a registered folder, but no such folder is registered on ${context.network}.`,
      };
  }
}

export const AGENCY_STATUS_TEXT: Record<AgencyStatusName, string> = {
  none: 'unknown',
  active: 'active',
  suspended: 'suspended (may not publish now)',
  retired: 'retired',
};

/** “25 November 2026, 17:33:30 UTC”: the same for every reviewer, whatever their time zone. */
export function formatTime(iso: string | number): string {
  const date = typeof iso === 'number' ? new Date(iso * 1000) : new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const text = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZone: 'UTC',
  }).format(date);
  return `${text} UTC`;
}

/** “1.4 GB”. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The first line of an error's message, for people. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
