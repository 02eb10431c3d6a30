import { InputError } from '@backstage/errors';
import { EvidenceValidator } from '@rollback-guard/plugin-rollback-guard-node';

/**
 * The evidence validators modules added; the ledger runs them on every item
 * recorded with content and refuses the deployment whole when one objects.
 *
 * @internal
 */
export class EvidenceValidators {
  private readonly validators: EvidenceValidator[] = [];

  add(validator: EvidenceValidator) {
    this.validators.push(validator);
  }

  /** Throws an `InputError` naming every item a validator refuses. */
  check(
    items: Array<{
      kind: string;
      name: string;
      mediaType?: string;
      content?: string;
    }>,
  ) {
    const problems: string[] = [];
    items.forEach((item, index) => {
      if (item.content === undefined) return;
      for (const validator of this.validators) {
        if (validator.kind !== item.kind) continue;
        let reason: string | undefined;
        try {
          reason = validator.validate({
            name: item.name,
            mediaType: item.mediaType,
            content: item.content,
          });
        } catch (error) {
          reason = `could not be validated: ${(error as Error).message}`;
        }
        if (reason) {
          problems.push(
            `body.evidence.${index}: ${item.kind} "${item.name}" ${reason}`,
          );
          break;
        }
      }
    });
    if (problems.length > 0) {
      throw new InputError(`Invalid body: ${problems.join('; ')}`);
    }
  }
}
