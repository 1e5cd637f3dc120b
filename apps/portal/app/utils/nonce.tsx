import { createContext, type ReactNode, useContext } from 'react';

const NonceContext = createContext('');

/** The CSP nonce of this response, for Remix's inline scripts (empty in the browser). */
export function NonceProvider({ value, children }: { value: string; children: ReactNode }) {
  return <NonceContext.Provider value={value}>{children}</NonceContext.Provider>;
}

export const useNonce = () => useContext(NonceContext);
