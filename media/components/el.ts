/** A new element with a class and children (strings become text): the DOM helper every webview page uses. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  e.append(...children);
  return e;
}
