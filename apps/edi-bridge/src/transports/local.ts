/**
 * A folder on this host as the partner mailbox: the development default (`pnpm edi run` with a
 * local profile) and what the end-to-end tests drive. Same contract as SFTP.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { baseName, joinPath, type MailboxEntry, type Transport } from './types.ts';

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

export function createLocalTransport(root: string): Transport {
  const abs = (p: string) => resolve(root, p);
  return {
    async list(dir) {
      let names: string[];
      try {
        names = await readdir(abs(dir));
      } catch (e) {
        if (isMissing(e)) return [];
        throw e;
      }
      const entries: MailboxEntry[] = [];
      for (const name of names) {
        try {
          const s = await stat(abs(joinPath(dir, name)));
          if (s.isFile()) entries.push({ name, size: s.size, mtimeMs: s.mtimeMs });
        } catch (e) {
          if (!isMissing(e)) throw e;
        }
      }
      return entries;
    },
    async read(path) {
      try {
        return await readFile(abs(path));
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
    },
    async writeAtomic(dir, name, data, tempSuffix) {
      const target = abs(joinPath(dir, name));
      if (await exists(target)) return;
      await mkdir(abs(dir), { recursive: true });
      const temp = `${target}${tempSuffix}`;
      await writeFile(temp, data);
      await rename(temp, target);
    },
    async move(from, toDir) {
      const source = abs(from);
      if (!(await exists(source))) return null;
      await mkdir(abs(toDir), { recursive: true });
      let target = joinPath(toDir, baseName(from));
      if (await exists(abs(target))) target = `${target}.${Date.now()}`;
      try {
        await rename(source, abs(target));
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
      return target;
    },
    async close() {},
  };
}
