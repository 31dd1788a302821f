/** The scan file's format version (bmeter.scan.json `version`): both its checks agree on it. */
export const SCAN_FILE_VERSION = 1;
