/** A dialog about one thing at a time: what it is about, and whether it is open (`bind:open`). */
export class DialogState<T> {
  about = $state<T | undefined>();
  open = $state(false);

  /** Opens the dialog about `about`. */
  show = (about: T): void => {
    this.about = about;
    this.open = true;
  };
}
