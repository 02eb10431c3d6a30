/**
 * An OCI image reference taken apart: `host[:port]/path[:tag][@digest]`.
 *
 * @internal
 */
export type ImageReference = {
  /** The registry host as written, with its port if any. */
  host: string;
  /** The repository path inside the registry, e.g. `team/app`. */
  repository: string;
  tag?: string;
  digest?: string;
};

/**
 * The outcome of parsing: the reference, or why it is not one.
 *
 * @internal
 */
export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: string };

// The grammar of github.com/distribution/reference, kept strict on purpose:
// a reference that a registry would read differently from us must not pass.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const KNOWN_DIGESTS: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};
const MAX_NAME_LENGTH = 255;

/**
 * Why `digest` is not a usable manifest digest, or undefined when it is.
 *
 * @internal
 */
export function digestProblem(digest: string): string | undefined {
  if (!DIGEST.test(digest)) {
    return `"${digest}" is not a digest; expected "<algorithm>:<hex>", e.g. "sha256:" and 64 hex digits`;
  }
  const [algorithm, encoded] = digest.split(':');
  const pattern = KNOWN_DIGESTS[algorithm];
  if (!pattern) {
    return `digest algorithm "${algorithm}" is not supported; use sha256 or sha512`;
  }
  if (!pattern.test(encoded)) {
    return `"${digest}" is not a valid ${algorithm} digest (lowercase hex of ${
      algorithm === 'sha256' ? 64 : 128
    } digits)`;
  }
  return undefined;
}

/**
 * Why `tag` is not a valid tag, or undefined when it is.
 *
 * @internal
 */
export function tagProblem(tag: string): string | undefined {
  return TAG.test(tag)
    ? undefined
    : `"${tag}" is not a valid tag; a tag is 1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-"`;
}

/**
 * Parses `host[:port]/path` strictly; the host is required, since without
 * one a container runtime would quietly pick Docker Hub.
 *
 * @internal
 */
export function parseRepository(
  text: string,
): ParseResult<{ host: string; repository: string }> {
  if (text.length === 0) return { ok: false, reason: 'it is empty' };
  if (/\s/.test(text)) {
    return { ok: false, reason: `"${text}" contains white space` };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return {
      ok: false,
      reason: `"${text}" has a URL scheme; write "host/path" without "https://"`,
    };
  }
  if (text.length > MAX_NAME_LENGTH) {
    return {
      ok: false,
      reason: `"${text.slice(
        0,
        40,
      )}…" is longer than ${MAX_NAME_LENGTH} characters`,
    };
  }
  const slash = text.indexOf('/');
  const first = slash < 0 ? text : text.slice(0, slash);
  const isHost =
    first.includes('.') ||
    first.includes(':') ||
    first.startsWith('[') ||
    first === 'localhost';
  if (slash < 0) {
    return {
      ok: false,
      reason: `"${text}" is not "<registry-host>/<path>", e.g. "registry.example.com/team/app"`,
    };
  }
  if (!isHost) {
    return {
      ok: false,
      reason: `"${text}" names no registry host; write it in full, e.g. "registry.example.com/team/app" (for Docker Hub "docker.io/library/app")`,
    };
  }
  if (!HOST.test(first)) {
    return { ok: false, reason: `"${first}" is not a valid registry host` };
  }
  const repository = text.slice(slash + 1);
  const bad = repository
    .split('/')
    .find(component => !PATH_COMPONENT.test(component));
  if (bad !== undefined) {
    return {
      ok: false,
      reason: `"${repository}" is not a valid repository path: "${bad}" must be lowercase letters and digits, separated by ".", "_", "__" or "-"`,
    };
  }
  return { ok: true, value: { host: first, repository } };
}

/**
 * Parses an OCI image reference `host[:port]/path[:tag][@digest]` strictly.
 *
 * @internal
 */
export function parseImageReference(text: string): ParseResult<ImageReference> {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem) return { ok: false, reason: problem };
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // A colon before the last slash is the registry's port, not a tag.
  if (colon > rest.lastIndexOf('/') && colon > rest.lastIndexOf(']')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    const problem = tagProblem(tag);
    if (problem) return { ok: false, reason: problem };
  }
  const repository = parseRepository(rest);
  if (!repository.ok) return repository;
  return { ok: true, value: { ...repository.value, tag, digest } };
}
