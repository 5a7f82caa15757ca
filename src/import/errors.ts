/** Import errors: every one names its file, and its line and column where it has them. */
export interface ImportError {
  file: string;
  line?: number;
  column?: string;
  message: string;
}

/** The compiler convention editors understand: `campaigns.csv:12:month: 13 is not a month (1–12)`. */
export function formatImportError(e: ImportError): string {
  const where = [e.file, e.line, e.column].filter((part) => part !== undefined && part !== '').join(':');
  return `${where}: ${e.message}`;
}

/** Sorts errors by file, then line, so that a report reads top to bottom. */
export function sortErrors(errors: ImportError[]): ImportError[] {
  return [...errors].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
}

/** Thrown by importDataset when the dataset has errors; nothing has been written. */
export class DatasetInvalidError extends Error {
  constructor(readonly errors: ImportError[]) {
    super(`The dataset has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was written.`);
  }
}
