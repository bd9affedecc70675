/** The state of a list page's two dialogs: editing (or adding) a record, and confirming a deletion. */
export class RecordDialogs<T> {
  editing = $state<T | undefined>();
  editorOpen = $state(false);
  deleting = $state<T | undefined>();
  confirmOpen = $state(false);

  /** Opens the editor for `record`, or for a new one without it. */
  edit = (record?: T): void => {
    this.editing = record;
    this.editorOpen = true;
  };

  confirmDelete = (record: T): void => {
    this.deleting = record;
    this.confirmOpen = true;
  };
}
