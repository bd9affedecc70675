/** A form's submit handler that runs `action` instead of sending the page: `onsubmit={submit(save)}`. */
export function submit(action: () => unknown): (event: SubmitEvent) => void {
  return (event) => {
    event.preventDefault();
    void action();
  };
}
