// The few DOM members the sanitizer uses (the project compiles without the DOM lib).
declare module '@mixmark-io/domino' {
  export interface DomAttr { name: string; value: string }
  export interface DomNode { remove(): void }
  export interface DomElement extends DomNode {
    tagName: string;
    children: ArrayLike<DomElement>;
    childNodes: ArrayLike<DomNode>;
    attributes: ArrayLike<DomAttr>;
    innerHTML: string;
    parentElement: DomElement | null;
    getAttribute(name: string): string | null;
    setAttribute(name: string, value: string): void;
    removeAttribute(name: string): void;
    replaceWith(...nodes: DomNode[]): void;
  }
  export interface DomDocument { getElementById(id: string): DomElement | null }
  export function createDocument(html?: string): DomDocument;
}
