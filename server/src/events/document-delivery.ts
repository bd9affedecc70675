import type { EntityManager } from '@mikro-orm/postgresql';

/** A file one area made for one person (a scheduled report's XLSX), to be delivered to them. */
export interface DeliveredDocument {
  schoolId: number;
  /** Whom it comes from (a scheduled view's owner). */
  senderId: number;
  recipientId: number;
  /** The message that carries it. */
  text: string;
  file: { name: string; contentType: string; data: Buffer };
}

/**
 * The port through which an area hands a document to a person without importing the area that
 * delivers it (decision 64): messaging implements it (a message with the file attached, in the
 * caller's transaction, so a claim of "sent once" and the message commit together), and the shell
 * (`services.ts`) hands it to whoever sends documents.
 */
export interface DocumentDelivery {
  deliverDocument(em: EntityManager, doc: DeliveredDocument): Promise<{ messageId: number }>;
}
