export interface Config {
  rollbackGuard?: {
    /**
     * The OCI registries the backend may contact, for the artifact
     * availability and registry credentials checks. An image reference (from
     * an annotation or a recorded deployment) on any other host is refused
     * before any request, and so is a host that resolves to a loopback,
     * link-local or private address unless `allowPrivateAddresses` is set.
     */
    registries?: Array<{
      /**
       * The registry host as it appears in image references, with its port
       * if any, e.g. `registry.example.com` or `127.0.0.1:5000`.
       */
      host: string;
      /**
       * User name for the registry (basic auth, or the token service of the
       * bearer flow).
       */
      username?: string;
      /**
       * Password or token for the registry.
       *
       * @visibility secret
       */
      password?: string;
      /**
       * Talk plain HTTP instead of HTTPS (test registries only).
       *
       * @default false
       */
      insecure?: boolean;
      /**
       * Allow the host to resolve to loopback, link-local or private
       * addresses (an in-cluster registry, a test registry).
       *
       * @default false
       */
      allowPrivateAddresses?: boolean;
      /**
       * Hosts of the token services this registry sends clients to in its
       * `WWW-Authenticate` challenge; the registry host itself is always
       * allowed.
       */
      authHosts?: string[];
    }>;
  };
}
