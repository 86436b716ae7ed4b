export function OperationsPage(_props: { customerId?: string }) {
  return <h1>OperationsPage</h1>;
}
