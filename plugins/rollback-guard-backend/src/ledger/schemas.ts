import {
  EVIDENCE_KINDS,
  EvidenceKind,
} from '@rollback-guard/plugin-rollback-guard-common';
import { z } from 'zod';
import {
  environmentName,
  isoDateTime,
  percent,
  plainText,
  state,
  strategy,
} from '../lib/input';

/**
 * Evidence items per deployment: every migration a version ships, its API
 * definitions and SBOMs.
 */
export const MAX_EVIDENCE_ITEMS = 5000;

/** A deployment id chosen by the recording client: stable across retries. */
export const deploymentId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be 1 to 128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
  );

const evidenceItem = z
  .object({
    kind: z.enum(EVIDENCE_KINDS as [EvidenceKind, ...EvidenceKind[]]),
    name: plainText(255).pipe(z.string().min(1)),
    mediaType: z.string().max(255).optional(),
    content: z.string().optional(),
    sha256: z
      .string()
      .regex(
        /^[a-f0-9]{64}$/,
        'must be the SHA-256 of the content, 64 lowercase hex digits',
      )
      .optional(),
    reference: z.string().min(1).max(2048).optional(),
  })
  .strict()
  .refine(
    item =>
      item.content !== undefined ||
      item.reference !== undefined ||
      item.sha256 !== undefined,
    {
      message:
        'needs content, a reference, or the sha256 of content an earlier deployment of the entity stored',
    },
  );

/** One entry per kind and name: the name identifies the item. */
const evidenceList = z
  .array(evidenceItem)
  .max(MAX_EVIDENCE_ITEMS)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const key = `${item.kind}:${item.name}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [index, 'name'],
          message: `lists ${item.kind} "${item.name}" more than once`,
        });
      }
      seen.add(key);
    });
  });

/** The body of `POST /ledger/deployments`. */
export const recordDeploymentBody = z
  .object({
    id: deploymentId,
    entityRef: z.string().min(1).max(255),
    environment: environmentName,
    version: plainText(128).pipe(z.string().min(1)),
    artifact: z
      .object({
        reference: z.string().min(1).max(1024).optional(),
        digest: z
          .string()
          .regex(
            /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/,
            'must be an OCI digest, e.g. sha256:<64 hex digits>',
          )
          .optional(),
      })
      .strict()
      .optional(),
    strategy,
    state: state.default('pending'),
    progressPercent: percent.optional(),
    trafficPercent: percent.optional(),
    sourceCommit: z
      .string()
      .regex(
        /^[0-9a-fA-F]{7,64}$/,
        'must be a commit hash (7 to 64 hex digits)',
      )
      .optional(),
    triggeredBy: plainText(255).pipe(z.string().min(1)).optional(),
    startedAt: isoDateTime.optional(),
    finishedAt: isoDateTime.optional(),
    evidence: evidenceList.default([]),
  })
  .strict();

export type RecordDeploymentBody = z.infer<typeof recordDeploymentBody>;

/** The body of `POST /ledger/deployments/:id/state`. */
export const stateChangeBody = z
  .object({
    state,
    progressPercent: percent.optional(),
    trafficPercent: percent.optional(),
    message: plainText(1000).optional(),
    at: isoDateTime.optional(),
  })
  .strict();

export type StateChangeBody = z.infer<typeof stateChangeBody>;
