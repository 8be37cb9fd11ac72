import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Write to a temporary file beside the target, then rename: a crash never leaves a torn file. */
export async function writeFileAtomic(filePath: string, content: string): Promise<void> {
  const temporary = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.tmp`);
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, filePath);
}
