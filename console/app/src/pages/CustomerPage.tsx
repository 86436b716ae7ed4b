export function CustomerPage(_props: { customerId?: string }) {
  return <h1>CustomerPage</h1>;
}
