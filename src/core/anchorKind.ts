/** Mirrors `IDatasetRegistry.AnchorKind`: what a content hash stands for. */
export enum AnchorKind {
  None = 0,
  /** The SHA-256 of one file. */
  File = 1,
  /** The Merkle root over a directory's files. */
  Tree = 2,
}
