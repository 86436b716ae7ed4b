import { createContext, useContext } from 'react';
import type { Session } from './api/types';

export interface Console {
  session: Session;
  /** Operators change things; viewers only read (the BFF refuses their writes too). */
  canWrite: boolean;
  /** Tells screen readers and sighted users what an action did (an aria-live region). */
  announce: (message: string) => void;
}

export const ConsoleContext = createContext<Console | null>(null);

export function useConsole(): Console {
  const context = useContext(ConsoleContext);
  if (!context) throw new Error('useConsole outside a signed-in page');
  return context;
}
