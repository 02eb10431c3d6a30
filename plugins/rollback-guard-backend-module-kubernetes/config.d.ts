export interface Config {
  rollbackGuard?: {
    /**
     * The Kubernetes provider: Argo Rollouts and Deployments read and acted
     * on through the Kubernetes API of these clusters only.
     */
    kubernetes?: {
      /**
       * The clusters the backend may call. An entity's
       * `rollback-guard/kubernetes-environments` annotation names them;
       * a cluster not listed here is never called. When absent, the
       * clusters of the Kubernetes plugin's `kubernetes.clusterLocatorMethods`
       * (type `config`, `serviceAccount` auth) are used.
       */
      clusters?: Array<{
        /** The name entities use, e.g. `prod-eu`. */
        name: string;
        /** The API server, e.g. `https://k8s.prod-eu.example.com`. */
        url: string;
        /**
         * A service-account token with get/list on rollouts, deployments and
         * replicasets, and patch on rollouts, rollouts/status and deployments.
         *
         * @visibility secret
         */
        serviceAccountToken?: string;
        /**
         * The API server's CA certificate, PEM or base64-encoded PEM.
         */
        caData?: string;
        /**
         * The namespaces entities may name on this cluster; absent: any.
         * An entity naming another is refused before any call.
         */
        namespaces?: string[];
        /**
         * Allow the API server on a private, loopback or link-local address
         * (most clusters are on one).
         *
         * @default false
         */
        allowPrivateAddresses?: boolean;
      }>;
      /**
       * How long one call to a cluster may take, in milliseconds.
       *
       * @default 10000
       */
      timeoutMs?: number;
    };
  };
}
