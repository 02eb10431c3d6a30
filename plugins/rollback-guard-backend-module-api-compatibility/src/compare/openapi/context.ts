import { SchemaComparator } from '../jsonSchema';
import { ApiChange, ApiChangeLevel } from '../types';
import { Operation } from './normalize';

/** One operation present in both versions, being compared. */
export type OperationPair = {
  from: Operation;
  to: Operation;
  /** `POST /refunds`, with the `from` version's spelling of the path. */
  label: string;
  schemas: SchemaComparator;
  report(id: string, level: ApiChangeLevel, message: string): void;
};

export function operationPair(
  from: Operation,
  to: Operation,
  schemas: SchemaComparator,
  out: ApiChange[],
): OperationPair {
  const label = `${from.method} ${from.path}`;
  return {
    from,
    to,
    label,
    schemas,
    report(id, level, message) {
      out.push({ id, level, message, path: from.path, operation: label });
    },
  };
}
