/**
 * Attachments: uploaded one by one to `POST /files` (the body is the file, its name in
 * `X-File-Name`; docs/decisions/0041-attachments-in-postgres.md), then sent by id with the
 * message; read back through the authenticated `/files/{id}` address.
 */

/** What the server keeps of an upload until a message claims it. */
export interface Uploaded {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** A refusal in the user's language: a key under `messages.attach.errors` and its values. */
export interface UploadRefusal {
  key: string;
  values?: Record<string, string | number>;
}

export class UploadError extends Error {
  constructor(readonly refusal: UploadRefusal) {
    super(refusal.key);
  }
}

/** The server's limit (attachments.ts, ATTACHMENT_MAX_BYTES): refused before uploading. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** What the file picker offers; the server decides by the content whatever is picked. */
export const ACCEPT =
  'image/png,image/jpeg,image/webp,image/gif,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx';

/** The address a file is read at (members of its conversation only). */
export const fileUrl = (id: string) => `/files/${encodeURIComponent(id)}`;

export const isImage = (contentType: string) => contentType.startsWith('image/');

/** The kind of file for its icon and label. */
export function fileKind(
  contentType: string,
): 'image' | 'pdf' | 'doc' | 'sheet' | 'slides' | 'file' {
  if (isImage(contentType)) return 'image';
  if (contentType === 'application/pdf') return 'pdf';
  if (/wordprocessing|msword/.test(contentType)) return 'doc';
  if (/spreadsheet|ms-excel/.test(contentType)) return 'sheet';
  if (/presentation|ms-powerpoint/.test(contentType)) return 'slides';
  return 'file';
}

/** A size in the user's language: «2,4 МБ», «512 КБ». */
export function formatSize(bytes: number, lang: string): string {
  const ru = lang.startsWith('ru');
  const units = ru ? ['Б', 'КБ', 'МБ'] : ['B', 'KB', 'MB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

interface ServerError {
  errors?: {
    extensions?: {
      code?: string;
      reason?: string;
      limitBytes?: number;
      retryAfterSeconds?: number;
    };
  }[];
}

/** The refusal an answer of `POST /files` carries, by its status and typed error. */
export function refusalOf(
  status: number,
  body: ServerError | undefined,
  lang: string,
): UploadRefusal {
  const ext = body?.errors?.[0]?.extensions ?? {};
  if (status === 413 || ext.code === 'PAYLOAD_TOO_LARGE') {
    return {
      key: 'FILE_TOO_LARGE',
      values: { limit: formatSize(ext.limitBytes ?? ATTACHMENT_MAX_BYTES, lang) },
    };
  }
  if (status === 415 || ext.reason === 'UNSUPPORTED_TYPE') return { key: 'UNSUPPORTED_TYPE' };
  if (status === 429 || ext.code === 'RATE_LIMITED') {
    const seconds = ext.retryAfterSeconds ?? 60;
    return { key: 'RATE_LIMITED', values: { minutes: Math.max(1, Math.ceil(seconds / 60)) } };
  }
  if (ext.reason === 'TOO_MANY') return { key: 'TOO_MANY' };
  if (status === 401 || ext.code === 'UNAUTHENTICATED') return { key: 'UNAUTHENTICATED' };
  return { key: 'FAILED' };
}

/**
 * Uploads one file, telling its progress (0–1); resolves with what the server kept or rejects
 * with an UploadError. A file over the limit is refused here without sending it.
 */
export function uploadFile(
  file: File,
  lang: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Uploaded> {
  if (file.size > ATTACHMENT_MAX_BYTES) {
    return Promise.reject(new UploadError(refusalOf(413, undefined, lang)));
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/files');
    // Not a type a form on another site could send (the server's CSRF rule).
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        onProgress(1);
        resolve(xhr.response as Uploaded);
      } else {
        reject(new UploadError(refusalOf(xhr.status, xhr.response as ServerError, lang)));
      }
    };
    // A refused large body closes the connection before the answer can be read: the size
    // decides (it was checked above, so this is the network).
    xhr.onerror = () => reject(new UploadError({ key: 'NETWORK' }));
    xhr.onabort = () => reject(new UploadError({ key: 'ABORTED' }));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
