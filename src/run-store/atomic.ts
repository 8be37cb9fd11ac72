import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Write to a temporary file beside the target, then rename: a crash never leaves a torn file. */
export async function writeFileAtomic(filePath: string, content: string): Promise<void> {
  const temporary = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, content, 'utf8');
    await rename(temporary, filePath);
  } catch (error) {
    // A full disk must not also keep the half-written temporary file.
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
