// The price table is shared with the dispatcher's credential broker, which keeps each job's ledger.
export { BUILT_IN_PRICING, findPricing } from '@agentsmith/providers';
