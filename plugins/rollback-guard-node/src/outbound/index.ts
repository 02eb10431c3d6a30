export {
  AddressGuard,
  AddressRefusedError,
  classifyAddress,
  type ResolveAddresses,
} from './AddressGuard';
export {
  exchange,
  ExchangeError,
  type ExchangeInit,
  type ExchangeResponse,
} from './exchange';
