import { Component, h, type FunctionComponent } from 'preact';

/**
 * A component that renders again only when `same` says its props changed: a long conversation
 * re-renders the one bubble whose ticks moved, not all of them. (Preact's own `memo` lives in
 * preact/compat, which the guest page's budget does not need.)
 */
export function memo<P extends object>(
  render: FunctionComponent<P>,
  same: (previous: P, next: P) => boolean,
): new (props: P) => Component<P> {
  return class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return !same(this.props as P, next);
    }

    override render(props: P) {
      return h(render, props);
    }
  };
}
