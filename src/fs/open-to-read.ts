/**
 * Opening a file of the user's to look into it (the first line of an `--output` file, its last record for
 * `--since auto`, a textfile or scan file about to be replaced, the scan file a poll joins with) without
 * waiting. open(2) of a FIFO for reading blocks until some process opens it for writing; Node runs that open
 * on a libuv worker thread, and process.exit() waits for that thread, so neither Ctrl-C nor a second one
 * would end bmeter, only SIGKILL. With O_NONBLOCK such an open returns at once (a read then finds no data);
 * on a regular file, a folder or a device it changes nothing. The callers look at the handle's stat() and
 * read only a regular file.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Opens `path` read-only, never waiting for a writer (O_NONBLOCK).
 * @throws the open's own error (ENOENT, EACCES …), as node:fs/promises `open` does
 */
export function openToRead(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDONLY | constants.O_NONBLOCK);
}
