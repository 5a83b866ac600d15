/** Agency and anchor enums of the contracts as names, both ways. */
import type { AgencyStatusName } from '../core/verdict';
import { AnchorKind } from '../core/anchorKind';
import type { AnchorKindName } from '../core/receipt';

export const AGENCY_STATUS_NAMES: AgencyStatusName[] = ['none', 'active', 'suspended', 'retired'];

/** `AgencyStatus` enum value → name. */
export function agencyStatusName(value: bigint | number): AgencyStatusName {
  return AGENCY_STATUS_NAMES[Number(value)] ?? 'none';
}

/** `AnchorKind` enum value → name (`none` for never anchored). */
export function anchorKindName(value: bigint | number): AnchorKindName | 'none' {
  return Number(value) === AnchorKind.File ? 'file' : Number(value) === AnchorKind.Tree ? 'tree' : 'none';
}

/** Name → `AnchorKind` enum value. */
export function anchorKindValue(kind: AnchorKindName): number {
  return kind === 'file' ? AnchorKind.File : AnchorKind.Tree;
}
