import { useLayoutEffect, useRef } from 'react';

/**
 * A ref that always holds the latest value. For callbacks that a child captures once: Grafana's CodeEditor
 * subscribes its `onChange` when Monaco mounts and never again, so a handler closing over the options of that
 * first render would write stale settings back (undoing every other change made since).
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
