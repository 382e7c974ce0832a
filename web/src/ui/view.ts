/** A screen of the app: its root element and what to release when it is replaced. */
export interface View {
  readonly element: HTMLElement;
  dispose?(): void;
}
