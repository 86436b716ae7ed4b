export function PlansPage(_props: { customerId?: string }) {
  return <h1>PlansPage</h1>;
}
