/** Search phrases for the workload schemas (W200, W1000): one per module, asked round after round by the benches. */
export const WORKLOAD_SEARCH_PHRASES: readonly string[] = [
  'customer account balance',
  'order header total amount',
  'shipment tracking date',
  'employee department',
  'invoice payment status',
  'warehouse item quantity',
  'support ticket priority',
  'campaign lead email',
];
