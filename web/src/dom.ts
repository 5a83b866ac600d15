/** A tiny DOM builder: text is always set as text, never parsed as HTML (names and reasons come from the chain). */

type Child = Node | string | number | null | undefined | false;

export interface ElementProps {
  class?: string;
  id?: string;
  /** Other attributes, e.g. `{ 'aria-live': 'polite', href: url }`. */
  attrs?: Record<string, string | undefined>;
}

/** Creates an element with attributes and children (strings become text nodes; null, undefined and false are skipped). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props?.class) element.className = props.class;
  if (props?.id) element.id = props.id;
  for (const [name, value] of Object.entries(props?.attrs ?? {})) {
    if (value !== undefined) element.setAttribute(name, value);
  }
  append(element, ...children);
  return element;
}

/** Appends children as {@link h} does. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
  }
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The element with this id, typed; throws if the page lacks it (a build mistake, not a user error). */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** A link that opens in a new tab without telling the target where the reviewer came from. */
export function externalLink(href: string, text: string): HTMLAnchorElement {
  return h(
    'a',
    { attrs: { href, target: '_blank', rel: 'noopener noreferrer' } },
    text,
    h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
  );
}

/** A definition-list row. */
export function row(term: string, ...details: Child[]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(h('dt', null, term), h('dd', null, ...details));
  return fragment;
}
