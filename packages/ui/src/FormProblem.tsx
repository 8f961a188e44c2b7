/** What went wrong with a form or an action, announced at once; nothing when all is well. */
export function FormProblem(props: { text: string | undefined; id?: string; class?: string }) {
  if (props.text === undefined) return null;
  return (
    <p id={props.id} class={props.class ? `form-error ${props.class}` : 'form-error'} role="alert">
      {props.text}
    </p>
  );
}
