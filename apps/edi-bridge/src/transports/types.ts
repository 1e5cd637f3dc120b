/** What the bridge needs from a partner mailbox; local folders and SFTP implement it alike. */
export interface MailboxEntry {
  name: string;
  size: number;
  /** Modification time in milliseconds. */
  mtimeMs: number;
}

export interface Transport {
  /** Regular files directly in `dir` (no folders, no links). A missing folder is empty. */
  list(dir: string): Promise<MailboxEntry[]>;
  /** The file's bytes, or `null` when it is gone (another run took it meanwhile). */
  read(path: string): Promise<Buffer | null>;
  /**
   * Writes `dir/name` so the partner never sees a partial file: the bytes go to `name + tempSuffix`,
   * then a rename. Idempotent: if `dir/name` exists already the write counts as done (a re-run after
   * a crash); a temp file left by a crashed attempt is rewritten with the full content and renamed.
   */
  writeAtomic(dir: string, name: string, data: Buffer | string, tempSuffix: string): Promise<void>;
  /**
   * Moves `from` into folder `toDir` (created when missing) under its name, or under a
   * time-suffixed name when one exists there already (an older file of the same name is never
   * overwritten). Returns the final path; `null` when `from` is gone already.
   */
  move(from: string, toDir: string): Promise<string | null>;
  close(): Promise<void>;
}

export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p.length > 0)
    .join('/')
    .replace(/\/{2,}/g, '/');
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
