/**
 * Files to and from the server, which sends and takes them as Base64 text inside GraphQL
 * (`FileDownload { filename contentType base64 }`, `fileBase64` arguments).
 */

export interface FileDownloadLike {
  filename: string;
  contentType: string;
  base64: string;
}

/** Largest class list the server reads (512 KB): bigger ones are refused before sending. */
export const MAX_UPLOAD_BYTES = 512 * 1024;

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export async function fileToBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

export function toBlob(file: FileDownloadLike): Blob {
  return new Blob([base64ToBytes(file.base64)], { type: file.contentType });
}

/** An object URL lives as long as the page; a minute is plenty to open or save it. */
function releaseLater(url: string) {
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves the file under its own name. */
export function saveFile(file: FileDownloadLike): void {
  const url = URL.createObjectURL(toBlob(file));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  releaseLater(url);
}

/**
 * Opens the file (a PDF to print) in a new tab; saves it instead when the browser refuses the
 * tab. Call it straight from a click, or pass a tab opened in the click (`window.open('')`) when
 * the file arrives later.
 */
export function openFile(file: FileDownloadLike, tab?: Window | null): void {
  const url = URL.createObjectURL(toBlob(file));
  const target = tab ?? window.open(url, '_blank');
  if (!target) {
    URL.revokeObjectURL(url);
    saveFile(file);
    return;
  }
  if (tab) tab.location.href = url;
  releaseLater(url);
}
