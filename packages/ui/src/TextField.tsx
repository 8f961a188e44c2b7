export interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  /** Help under the field; shown as an error when `invalid`. */
  hint?: string | undefined;
  invalid?: boolean;
  type?: 'text' | 'password' | 'number';
  autoComplete?: string;
  /** Names, usernames: "none"; everything else leaves the browser's default. */
  autoCapitalize?: 'none';
  spellcheck?: boolean;
  /** "auto" for what people type in any script. */
  dir?: 'auto' | 'ltr';
  maxLength?: number;
  required?: boolean;
  min?: number;
  max?: number;
}

/** A labelled text field with its hint tied to it, marked invalid when it is. */
export function TextField(props: TextFieldProps) {
  const hintId = props.hint === undefined ? undefined : `${props.id}-hint`;
  const numeric = props.type === 'number';
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        // Preact types <input> as a union keyed by `type`; one of them at a time is what it gets.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        autoComplete={props.autoComplete}
        autoCapitalize={props.autoCapitalize}
        spellcheck={props.spellcheck}
        dir={props.dir}
        maxLength={props.maxLength}
        required={props.required}
        min={props.min}
        max={props.max}
        inputMode={numeric ? 'numeric' : undefined}
        aria-describedby={hintId}
        aria-invalid={props.invalid ? 'true' : undefined}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
      {props.hint !== undefined && (
        <span id={hintId} class={props.invalid ? 'field-error' : 'muted'}>
          {props.hint}
        </span>
      )}
    </div>
  );
}
