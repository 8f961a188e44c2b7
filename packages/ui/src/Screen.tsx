import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface ScreenProps {
  title: string;
  children?: ComponentChildren;
  /** Extra class for the page, e.g. a warning's colours. */
  tone?: 'normal' | 'warning';
}

/**
 * A whole screen with its heading. The heading takes focus when the screen appears, so keyboard
 * and screen-reader users land on what changed.
 */
export function Screen({ title, children, tone = 'normal' }: ScreenProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    document.title = title;
  }, [title]);
  return (
    <main class="page">
      <section class={tone === 'warning' ? 'card card-warning' : 'card'}>
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {children}
      </section>
    </main>
  );
}
