/** Files the server sends as Base64 (`FileDownload`), saved in the browser. */

export interface DownloadedFile {
  filename: string;
  contentType: string;
  base64: string;
}

export function base64ToBlob(base64: string, contentType: string): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: contentType });
}

/** `my-data.json` with `181` → `my-data-181.json`: one file per person, even when all download. */
export function withSuffix(filename: string, suffix: string): string {
  const dot = filename.lastIndexOf('.');
  return dot > 0
    ? `${filename.slice(0, dot)}-${suffix}${filename.slice(dot)}`
    : `${filename}-${suffix}`;
}

/** Hands the file to the browser as a download. */
export function saveFile(file: DownloadedFile, filename = file.filename): void {
  const url = URL.createObjectURL(base64ToBlob(file.base64, file.contentType));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; give slow browsers a moment before the data goes.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
