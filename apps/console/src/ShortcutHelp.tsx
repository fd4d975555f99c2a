/** The keyboard shortcuts of the page, shown with "?". */
export function ShortcutHelp(props: { keys: [key: string, what: string][]; onClose: () => void }) {
  return (
    <section className="shortcut-help panel" aria-labelledby="shortcut-title">
      <h2 id="shortcut-title">Keyboard shortcuts</h2>
      <dl className="facts">
        {props.keys.map(([key, what]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={props.onClose}>
        Close
      </button>
    </section>
  );
}
