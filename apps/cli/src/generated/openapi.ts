// Generated from openapi/openapi.json by apps/cli/scripts/codegen.ts (npm run openapi). Do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database is reachable and every migration is applied */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agent-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List agent tokens (never their secrets; admin only) */
        get: operations["listAgentTokens"];
        put?: never;
        /** Issue a token an agent dials the control channel with; the secret is shown this once (admin only) */
        post: operations["createAgentToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agent-tokens/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one agent token (admin only) */
        get: operations["getAgentToken"];
        /** Create an agent token (201 with its secret, shown once) or rebind it to an agent (idempotent; admin only) */
        put: operations["putAgentToken"];
        post?: never;
        /** Revoke an agent token (admin only) */
        delete: operations["deleteAgentToken"];
        options?: never;
        head?: never;
        /** Rebind an agent token to another agent (admin only) */
        patch: operations["patchAgentToken"];
        trace?: never;
    };
    "/v1/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Registered agents with their applied config version and lease (sorted by name; the quota by vserver is on GET /v1/agents/{id}) */
        get: operations["listAgents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One agent, with its quota by vserver */
        get: operations["getAgent"];
        put?: never;
        post?: never;
        /** Forget a registered agent, its tokens and its quota leases */
        delete: operations["deleteAgent"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API tokens (never their secrets; admin only) */
        get: operations["listApiTokens"];
        put?: never;
        /** Create an API token; the answer holds the secret, shown this once (admin only) */
        post: operations["createApiToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-tokens/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one API token (admin only) */
        get: operations["getApiToken"];
        /** Create an API token (201 with its secret, shown once) or set its role (idempotent; admin only) */
        put: operations["putApiToken"];
        post?: never;
        /** Revoke an API token (409 for the last admin token; admin only) */
        delete: operations["deleteApiToken"];
        options?: never;
        head?: never;
        /** Change the role of an API token (409 when it would leave no admin; admin only) */
        patch: operations["patchApiToken"];
        trace?: never;
    };
    "/v1/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export the whole configuration as one declarative document (ETag: the global version)
         * @description Every default spelled out, objects sorted by name: the document PUT /v1/config accepts unchanged with an empty plan.
         */
        get: operations["exportConfig"];
        /**
         * Apply a desired configuration in one transaction (dryRun: plan only; prune: delete what is not named)
         * @description Invalid documents change nothing (422 with paths into the document, for the schema and for semantics alike; 400 for a body that is not JSON). If-Match compares with the global version.
         */
        put: operations["applyConfig"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List events (oldest first by default; filters by kind, object, actor) */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-Sent Events: each new event as `id`, `event` (its kind) and `data` (the event JSON)
         * @description Resumes after `Last-Event-ID` (or `after`); without either, starts with the next event. A comment line every 15 s keeps proxies from closing the stream.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/monitors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List monitors (sorted by name) */
        get: operations["listMonitors"];
        put?: never;
        /** Create a monitor (409 when the name is taken) */
        post: operations["createMonitor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/monitors/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one monitor (ETag: its version) */
        get: operations["getMonitor"];
        /**
         * Create or replace a monitor (idempotent; If-Match honoured)
         * @description Omitted optional fields return to their defaults.
         */
        put: operations["putMonitor"];
        post?: never;
        /** Delete a monitor (409 naming the referrers while anything references it) */
        delete: operations["deleteMonitor"];
        options?: never;
        head?: never;
        /** Merge fields into a monitor (null resets a field to its default) */
        patch: operations["patchMonitor"];
        trace?: never;
    };
    "/v1/service-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List service tokens (never their secrets; admin only) */
        get: operations["listServiceTokens"];
        put?: never;
        /** Issue a token a service's backends push application feedback with (POST /v1/services/{service}/feedback, nothing else); the secret is shown this once (admin only) */
        post: operations["createServiceToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/service-tokens/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one service token (admin only) */
        get: operations["getServiceToken"];
        put?: never;
        post?: never;
        /** Revoke a service token (admin only) */
        delete: operations["deleteServiceToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List services (sorted by name) */
        get: operations["listServices"];
        put?: never;
        /** Create a service (409 when the name is taken) */
        post: operations["createService"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/services/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one service (ETag: its version) */
        get: operations["getService"];
        /**
         * Create or replace a service (idempotent; If-Match honoured)
         * @description Omitted optional fields return to their defaults. An omitted `monitors` list keeps the bindings (manage them as their own resources); a given list replaces them.
         */
        put: operations["putService"];
        post?: never;
        /** Delete a service (409 naming the referrers while anything references it) */
        delete: operations["deleteService"];
        options?: never;
        head?: never;
        /** Merge fields into a service (null resets a field to its default) */
        patch: operations["patchService"];
        trace?: never;
    };
    "/v1/services/{name}/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A service's long-lived connections across agents (agent, client, age, bytes, state) and its maintenance counts */
        get: operations["listServiceConnections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/services/{name}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The feedback the backends of a service pushed last (404 when none is in force) */
        get: operations["getServiceFeedback"];
        put?: never;
        /** A backend's application feedback in agent-check words (weight %, maxconn, drain, maint, down/up), applied by the control plane across every agent (a service token of this service, or an admin token) */
        post: operations["pushServiceFeedback"];
        /** Clears the pushed feedback of a service: it is served as configured again (its agent-check probes still count; admin only) */
        delete: operations["clearServiceFeedback"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/services/{name}/monitors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the monitors bound to a service */
        get: operations["listServiceMonitorBindings"];
        put?: never;
        /** Bind a monitor to a service (409 when already bound) */
        post: operations["createServiceMonitorBinding"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/services/{name}/monitors/{monitor}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one service↔monitor binding (ETag: its version) */
        get: operations["getServiceMonitorBinding"];
        /** Create or replace a service↔monitor binding (idempotent; If-Match honoured) */
        put: operations["putServiceMonitorBinding"];
        post?: never;
        /** Unbind a monitor from a service */
        delete: operations["deleteServiceMonitorBinding"];
        options?: never;
        head?: never;
        /** Merge into a service↔monitor binding (weight null clears the override) */
        patch: operations["patchServiceMonitorBinding"];
        trace?: never;
    };
    "/v1/sites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sites (sorted by name) */
        get: operations["listSites"];
        put?: never;
        /** Create a site (409 when the name is taken) */
        post: operations["createSite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sites/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one site (ETag: its version) */
        get: operations["getSite"];
        /**
         * Create or replace a site (idempotent; If-Match honoured)
         * @description Omitted optional fields return to their defaults.
         */
        put: operations["putSite"];
        post?: never;
        /** Delete a site (409 naming the referrers while anything references it) */
        delete: operations["deleteSite"];
        options?: never;
        head?: never;
        /** Merge fields into a site (null resets a field to its default) */
        patch: operations["patchSite"];
        trace?: never;
    };
    "/v1/sites/self/availability": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What this control plane's sites have available, for site peers (docs/SITES.md) */
        get: operations["getSiteAvailability"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vservers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List vservers (sorted by name) */
        get: operations["listVServers"];
        put?: never;
        /** Create a vserver (409 when the name is taken) */
        post: operations["createVServer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vservers/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one vserver (ETag: its version) */
        get: operations["getVServer"];
        /**
         * Create or replace a vserver (idempotent; If-Match honoured)
         * @description Omitted optional fields return to their defaults. An omitted `services` list keeps the bindings (manage them as their own resources); a given list replaces them.
         */
        put: operations["putVServer"];
        post?: never;
        /** Delete a vserver (409 naming the referrers while anything references it) */
        delete: operations["deleteVServer"];
        options?: never;
        head?: never;
        /** Merge fields into a vserver (null resets a field to its default) */
        patch: operations["patchVServer"];
        trace?: never;
    };
    "/v1/vservers/{name}/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the services bound to a vserver */
        get: operations["listVserverServiceBindings"];
        put?: never;
        /** Bind a service to a vserver (409 when already bound) */
        post: operations["createVserverServiceBinding"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vservers/{name}/services/{service}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one vserver↔service binding (ETag: its version) */
        get: operations["getVserverServiceBinding"];
        /** Create or replace a vserver↔service binding (idempotent; If-Match honoured) */
        put: operations["putVserverServiceBinding"];
        post?: never;
        /** Unbind a service from a vserver */
        delete: operations["deleteVserverServiceBinding"];
        options?: never;
        head?: never;
        /** Merge into a vserver↔service binding (weight null clears the override) */
        patch: operations["patchVserverServiceBinding"];
        trace?: never;
    };
    "/v1/vservers/{name}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live status of a vserver across agents: limit and its derivation, connections, spilling, surge queue, quota, services and their monitors */
        get: operations["getVServerStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * Error
         * @description The one shape of every 4xx/5xx answer
         * @example {
         *       "code": "SPILLWAY_SPILLOVER_CHAIN_CYCLE",
         *       "details": [
         *         {
         *           "message": "web-overflow leads back to web",
         *           "path": "/spillover/backup"
         *         }
         *       ],
         *       "error": "Unprocessable Entity",
         *       "message": "backup chain web → web-overflow → web forms a cycle",
         *       "statusCode": 422
         *     }
         */
        Error: {
            /** @description Stable error code, one meaning each, prefixed by the app that answers: SPILLWAY_API_ (SPILLWAY_HUB_ for the agents channel); a 422 carries the code of its first configuration problem */
            code: string;
            details: {
                /** @description Code of this problem when it differs from the error code */
                code?: string;
                message: string;
                /** @description JSON pointer to the offending field of the request (empty for the whole request) */
                path: string;
            }[];
            /** @description HTTP reason phrase */
            error: string;
            message: string;
            statusCode: number;
        };
        /**
         * Plan
         * @example {
         *       "changes": [
         *         {
         *           "action": "update",
         *           "diff": [
         *             {
         *               "after": "leastconn",
         *               "before": "roundrobin",
         *               "path": "/lbMethod"
         *             }
         *           ],
         *           "fields": [
         *             "lbMethod"
         *           ],
         *           "kind": "vserver",
         *           "name": "web"
         *         }
         *       ],
         *       "summary": {
         *         "create": 0,
         *         "delete": 0,
         *         "update": 1
         *       }
         *     }
         */
        Plan: {
            changes: {
                action: "create" | "update" | "delete";
                /** @description update only: each value that changes, field by field */
                diff?: {
                    /** @description Value after the apply (normalized); omitted: not set */
                    after?: unknown;
                    /** @description Current value (normalized); omitted: not set */
                    before?: unknown;
                    /** @description JSON Pointer into the object (nested objects are walked; arrays and scalars are leaves) */
                    path: string;
                }[];
                /** @description update only: top-level fields that change */
                fields?: string[];
                kind: "service" | "monitor" | "vserver" | "site";
                name: string;
            }[];
            summary: {
                create: number;
                delete: number;
                update: number;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ok"
                     *     }
                     */
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "database": "ok",
                     *       "status": "ready"
                     *     }
                     */
                    "application/json": {
                        /** @enum {string} */
                        database: "ok";
                        /** @enum {string} */
                        status: "ready";
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAgentTokens: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            agent: string;
                            /** Format: date-time */
                            createdAt: string;
                            lastUsedAt: string | null;
                            name: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createAgentToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "agent": "edge-1",
                 *       "name": "edge-1"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description Agent this token authenticates as; default: the token name
                     * @example web-1
                     */
                    agent?: string;
                    /**
                     * @description Unique token name
                     * @example web-1
                     */
                    name: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "agent": "edge-1",
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "edge-1",
                     *       "token": "spw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
                     *     }
                     */
                    "application/json": {
                        agent: string;
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                        /** @description The secret, shown this once */
                        token: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAgentToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "agent": "edge-1",
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "edge-1"
                     *     }
                     */
                    "application/json": {
                        agent: string;
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putAgentToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description Creates the token (the answer holds its secret, once) or rebinds it to another agent */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "agent": "edge-1"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description Agent this token authenticates as; default: the token name
                     * @example web-1
                     */
                    agent?: string;
                    /** Format: date-time */
                    readonly createdAt?: string;
                    readonly lastUsedAt?: string | null;
                    /**
                     * @description Must match the path when given
                     * @example web-1
                     */
                    name?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "agent": "edge-1",
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "edge-1"
                     *     }
                     */
                    "application/json": {
                        agent: string;
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "agent": "edge-1",
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "edge-1",
                     *       "token": "spw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
                     *     }
                     */
                    "application/json": {
                        agent: string;
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                        /** @description The secret, shown this once */
                        token: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteAgentToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchAgentToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "agent": "edge-2"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description Agent this token authenticates as
                     * @example web-1
                     */
                    agent?: string;
                    /** Format: date-time */
                    readonly createdAt?: string;
                    readonly lastUsedAt?: string | null;
                    /**
                     * @description Must match the path when given
                     * @example web-1
                     */
                    name?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "agent": "edge-1",
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "edge-1"
                     *     }
                     */
                    "application/json": {
                        agent: string;
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAgents: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description Active connections by vserver */
                            activeConnections: {
                                [key: string]: number;
                            };
                            /** @description Config version the agent runs */
                            appliedVersion: string | null;
                            connected: boolean;
                            connectedAt: string | null;
                            /** @description Config version served to agents now */
                            desiredVersion: string | null;
                            /** @description The agent name */
                            id: string;
                            inSync: boolean;
                            /** Format: date-time */
                            lastHeartbeatAt: string;
                            lastNack: {
                                at: string;
                                code: string;
                                message: string;
                                version: string;
                            } | null;
                            leaseExpiresAt: string | null;
                            workers: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Agent name
                 * @example edge-1
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Active connections by vserver */
                        activeConnections: {
                            [key: string]: number;
                        };
                        /** @description Config version the agent runs */
                        appliedVersion: string | null;
                        connected: boolean;
                        connectedAt: string | null;
                        /** @description Config version served to agents now */
                        desiredVersion: string | null;
                        /** @description The agent name */
                        id: string;
                        inSync: boolean;
                        /** Format: date-time */
                        lastHeartbeatAt: string;
                        lastNack: {
                            at: string;
                            code: string;
                            message: string;
                            version: string;
                        } | null;
                        leaseExpiresAt: string | null;
                        /** @description Allowance by vserver */
                        quota: {
                            [key: string]: {
                                borrowed: number;
                                exclusive: number;
                            };
                        };
                        workers: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Agent name
                 * @example web-1
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listApiTokens: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            lastUsedAt: string | null;
                            name: string;
                            /** @description admin: read and write; reader: read only */
                            role: "admin" | "reader";
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "terraform",
                 *       "role": "admin"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description Unique token name
                     * @example web-1
                     */
                    name: string;
                    /** @description admin: read and write; reader: read only */
                    role: "admin" | "reader";
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "terraform",
                     *       "role": "admin",
                     *       "token": "spw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                        /** @description admin: read and write; reader: read only */
                        role: "admin" | "reader";
                        /** @description The secret, shown this once */
                        token: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "terraform",
                     *       "role": "admin"
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                        /** @description admin: read and write; reader: read only */
                        role: "admin" | "reader";
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description Creates the token (the answer holds its secret, once) or sets its role */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "role": "reader"
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    readonly createdAt?: string;
                    readonly lastUsedAt?: string | null;
                    /**
                     * @description Must match the path when given
                     * @example web-1
                     */
                    name?: string;
                    /** @description admin: read and write; reader: read only */
                    role: "admin" | "reader";
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "terraform",
                     *       "role": "admin"
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                        /** @description admin: read and write; reader: read only */
                        role: "admin" | "reader";
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "terraform",
                     *       "role": "admin",
                     *       "token": "spw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                        /** @description admin: read and write; reader: read only */
                        role: "admin" | "reader";
                        /** @description The secret, shown this once */
                        token: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "role": "admin"
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    readonly createdAt?: string;
                    readonly lastUsedAt?: string | null;
                    /**
                     * @description Must match the path when given
                     * @example web-1
                     */
                    name?: string;
                    /** @description admin: read and write; reader: read only */
                    role?: "admin" | "reader";
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "terraform",
                     *       "role": "admin"
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                        /** @description admin: read and write; reader: read only */
                        role: "admin" | "reader";
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    exportConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Everything as one declarative document (bindings nested in their parent) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "monitors": [
                     *         {
                     *           "http": {
                     *             "expectStatus": [
                     *               200
                     *             ],
                     *             "path": "/healthz"
                     *           },
                     *           "name": "web-health",
                     *           "type": "http"
                     *         }
                     *       ],
                     *       "services": [
                     *         {
                     *           "address": "10.0.0.11",
                     *           "capacity": 200,
                     *           "monitors": [
                     *             {
                     *               "monitor": "web-health"
                     *             }
                     *           ],
                     *           "name": "web-1",
                     *           "port": 8080,
                     *           "protocol": "http"
                     *         }
                     *       ],
                     *       "vservers": [
                     *         {
                     *           "listen": {
                     *             "port": 8443
                     *           },
                     *           "name": "web",
                     *           "protocol": "http",
                     *           "services": [
                     *             {
                     *               "service": "web-1"
                     *             }
                     *           ],
                     *           "spillover": {
                     *             "action": "drop",
                     *             "methods": [
                     *               {
                     *                 "type": "dynamicconnection"
                     *               }
                     *             ]
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        monitors?: {
                            /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                            agent?: {
                                /** @description TCP port of the backend's agent-check responder (at the service address) */
                                port: number;
                                /** @description Text sent once connected, before reading the line */
                                send?: string;
                            };
                            /** Format: date-time */
                            readonly createdAt?: string;
                            /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                            dns?: {
                                /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                                expectAddress?: string;
                                /** @description Name queried from the service (a DNS server at its address and port) */
                                query: string;
                                /**
                                 * @description Record type queried
                                 * @default A
                                 */
                                type: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                            };
                            /**
                             * @description Consecutive failures before DOWN
                             * @default 3
                             */
                            fall: number;
                            /** @description HTTP(S) probe; only for type http and https */
                            http?: {
                                /** @description Substring the body must contain */
                                expectBody?: string;
                                /**
                                 * @description Status codes that count as UP
                                 * @default [
                                 *       200
                                 *     ]
                                 */
                                expectStatus: number[];
                                /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                                host?: string;
                                /** @default GET */
                                method: "GET" | "HEAD" | "POST" | "OPTIONS";
                                /**
                                 * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                                 * @default /
                                 */
                                path: string;
                            };
                            /**
                             * @description Time between probes
                             * @default 5000
                             */
                            intervalMs: number;
                            /**
                             * @description Unique monitor name
                             * @example web-1
                             */
                            name: string;
                            /** @description Response-time rules (seed 002) */
                            responseTime?: {
                                /** @description Absolute limit: slower responses count as failures */
                                maxMs?: number;
                                /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                                maxOverAverage?: number;
                            };
                            /**
                             * @description Consecutive successes before UP
                             * @default 1
                             */
                            rise: number;
                            /**
                             * @description Probe timeout; must be below intervalMs
                             * @default 2000
                             */
                            timeoutMs: number;
                            /**
                             * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                             * @default tcp
                             */
                            type: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                            /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                            udp?: {
                                /** @description Substring the reply must contain; omitted or empty: any reply */
                                expect?: string;
                                /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                                send: string;
                            };
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                            /**
                             * @description Weight of this monitor toward a service's monitor threshold
                             * @default 1
                             */
                            weight: number;
                        }[];
                        services?: {
                            /** @description IP address or host name of the backend */
                            address: string;
                            /**
                             * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                             * @default 0
                             */
                            capacity: number;
                            /** Format: date-time */
                            readonly createdAt?: string;
                            /** @description Overrides the vserver's maintenance policy field by field; null: none */
                            maintenance?: {
                                /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                                drainTimeoutSeconds?: number;
                                /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                                migrateAfterSeconds?: number;
                                target?: string | null;
                            } | null;
                            /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                            migration?: {
                                /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                                port: number;
                                /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                                secret?: string;
                            };
                            /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                            monitors?: {
                                /**
                                 * @description Name of the bound monitor
                                 * @example web-1
                                 */
                                monitor: string;
                                /** @description Overrides the monitor's weight for this service */
                                weight?: number;
                            }[];
                            /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                            monitorThreshold?: number;
                            /**
                             * @description Unique service name
                             * @example web-1
                             */
                            name: string;
                            /** @description Backend port */
                            port: number;
                            /** @default tcp */
                            protocol: "tcp" | "http";
                            /**
                             * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                             * @default none
                             */
                            proxyProtocol: "none" | "v2";
                            /**
                             * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                             * @example site-a
                             */
                            site?: string;
                            /** @default enabled */
                            state: "enabled" | "disabled" | "maintenance";
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                            /**
                             * @description Load-balancing weight
                             * @default 1
                             */
                            weight: number;
                        }[];
                        /** @description Sites (docs/SITES.md); omitted when there are none */
                        sites?: {
                            /** Format: date-time */
                            readonly createdAt?: string;
                            /**
                             * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                             * @default 1000
                             */
                            exchangeIntervalMs: number;
                            /**
                             * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                             * @example site-a
                             */
                            name: string;
                            /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                            peer?: {
                                /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                                url: string;
                            };
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                        }[];
                        /** @description Global configuration version; read-only, ignored on PUT */
                        readonly version?: number;
                        vservers?: {
                            /**
                             * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                             * @default 60000
                             */
                            clientTimeoutMs: number;
                            /** Format: date-time */
                            readonly createdAt?: string;
                            default?: string | null;
                            /**
                             * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                             * @default 10000
                             */
                            headersTimeoutMs: number;
                            /**
                             * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                             * @default 5000
                             */
                            keepAliveTimeoutMs: number;
                            /**
                             * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                             * @default roundrobin
                             */
                            lbMethod: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                            /**
                             * @description null: reachable only as a backup
                             * @default null
                             */
                            listen: {
                                /**
                                 * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                                 * @default 0.0.0.0
                                 * @example 0.0.0.0
                                 * @example 10.0.0.5
                                 * @example ::
                                 */
                                host: string;
                                /** @description Listen port (unique across vservers, whatever their host) */
                                port: number;
                            } | null;
                            /** @description Maintenance policy of its services (each may override it); null: the defaults */
                            maintenance?: {
                                /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                                drainTimeoutSeconds?: number;
                                /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                                migrateAfterSeconds?: number;
                                target?: string | null;
                            } | null;
                            /**
                             * @description Unique vserver name
                             * @example web-1
                             */
                            name: string;
                            /** @description Client persistence (cookie: HTTP only) */
                            persistence?: {
                                /** @default 120 */
                                timeoutSeconds: number;
                                /** @default none */
                                type: "none" | "sourceip" | "cookie";
                            };
                            protocol: "tcp" | "http";
                            /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                            rules?: {
                                /**
                                 * ContentMatch
                                 * @description What a request must match: every field given (at least one)
                                 */
                                match: {
                                    /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                                    extension?: string;
                                    /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                                    header?: {
                                        /** @description Header field name (case-insensitive) */
                                        name: string;
                                        /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                        regex?: string;
                                        /** @description The field value equals this (after trimming), case-sensitive */
                                        value?: string;
                                    };
                                    /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                                    host?: string;
                                    /** @description The request method (GET, POST, …) */
                                    method?: string;
                                    /** @description The request path (before any ?) starts with this (case-sensitive) */
                                    pathPrefix?: string;
                                    /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                    pathRegex?: string;
                                    /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                                    sourceCidr?: string;
                                };
                                /**
                                 * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                                 * @example images
                                 */
                                name?: string;
                                /**
                                 * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                                 * @example img
                                 */
                                target: string;
                            }[];
                            /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                            selection?: "local" | "manager";
                            /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                            services?: {
                                /**
                                 * @description Name of the bound service
                                 * @example web-1
                                 */
                                service: string;
                                /** @description Overrides the service's weight in this vserver */
                                weight?: number;
                            }[];
                            /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                            siteBalancing?: boolean;
                            /** Spillover */
                            spillover?: {
                                /**
                                 * @description When the whole chain is exhausted
                                 * @default accept
                                 */
                                action: "redirect" | "drop" | "accept";
                                backup?: string | null;
                                /** @default any */
                                combine: "any" | "all";
                                /**
                                 * @description Empty: never spills
                                 * @default []
                                 */
                                methods: {
                                    /** @description bandwidth only (default both) */
                                    direction?: "in" | "out" | "both";
                                    /** @description connection only: connection count */
                                    threshold?: number;
                                    /** @description bandwidth only: kbit/s */
                                    thresholdKbps?: number;
                                    /** @description health only: percent of enabled weight UP */
                                    thresholdPercent?: number;
                                    type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                                }[];
                                /**
                                 * @description A client that spilled stays on the vserver that served it this long (0: off)
                                 * @default 0
                                 */
                                persistenceTimeoutSeconds: number;
                                redirectUrl?: string | null;
                            };
                            surgeQueue?: {
                                /** @default 0 */
                                length: number;
                                /** @default 5000 */
                                timeoutMs: number;
                            };
                            /**
                             * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                             * @default 30000
                             */
                            timeoutMs: number;
                            /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                            type?: "loadbalancing" | "contentswitch";
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                        }[];
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    applyConfig: {
        parameters: {
            query?: {
                /** @description Return the plan without changing anything */
                dryRun?: boolean;
                /** @description Delete objects the document does not name */
                prune?: boolean;
            };
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description Everything as one declarative document (bindings nested in their parent) */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "monitors": [
                 *         {
                 *           "http": {
                 *             "expectStatus": [
                 *               200
                 *             ],
                 *             "path": "/healthz"
                 *           },
                 *           "name": "web-health",
                 *           "type": "http"
                 *         }
                 *       ],
                 *       "services": [
                 *         {
                 *           "address": "10.0.0.11",
                 *           "capacity": 200,
                 *           "monitors": [
                 *             {
                 *               "monitor": "web-health"
                 *             }
                 *           ],
                 *           "name": "web-1",
                 *           "port": 8080,
                 *           "protocol": "http"
                 *         }
                 *       ],
                 *       "vservers": [
                 *         {
                 *           "listen": {
                 *             "port": 8443
                 *           },
                 *           "name": "web",
                 *           "protocol": "http",
                 *           "services": [
                 *             {
                 *               "service": "web-1"
                 *             }
                 *           ],
                 *           "spillover": {
                 *             "action": "drop",
                 *             "methods": [
                 *               {
                 *                 "type": "dynamicconnection"
                 *               }
                 *             ]
                 *           }
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    monitors?: {
                        /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                        agent?: {
                            /** @description TCP port of the backend's agent-check responder (at the service address) */
                            port: number;
                            /** @description Text sent once connected, before reading the line */
                            send?: string;
                        };
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                        dns?: {
                            /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                            expectAddress?: string;
                            /** @description Name queried from the service (a DNS server at its address and port) */
                            query: string;
                            /**
                             * @description Record type queried
                             * @default A
                             */
                            type?: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                        };
                        /**
                         * @description Consecutive failures before DOWN
                         * @default 3
                         */
                        fall?: number;
                        /** @description HTTP(S) probe; only for type http and https */
                        http?: {
                            /** @description Substring the body must contain */
                            expectBody?: string;
                            /**
                             * @description Status codes that count as UP
                             * @default [
                             *       200
                             *     ]
                             */
                            expectStatus?: number[];
                            /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                            host?: string;
                            /** @default GET */
                            method?: "GET" | "HEAD" | "POST" | "OPTIONS";
                            /**
                             * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                             * @default /
                             */
                            path?: string;
                        };
                        /**
                         * @description Time between probes
                         * @default 5000
                         */
                        intervalMs?: number;
                        /**
                         * @description Unique monitor name
                         * @example web-1
                         */
                        name: string;
                        /** @description Response-time rules (seed 002) */
                        responseTime?: {
                            /** @description Absolute limit: slower responses count as failures */
                            maxMs?: number;
                            /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                            maxOverAverage?: number;
                        };
                        /**
                         * @description Consecutive successes before UP
                         * @default 1
                         */
                        rise?: number;
                        /**
                         * @description Probe timeout; must be below intervalMs
                         * @default 2000
                         */
                        timeoutMs?: number;
                        /**
                         * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                         * @default tcp
                         */
                        type?: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                        /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                        udp?: {
                            /** @description Substring the reply must contain; omitted or empty: any reply */
                            expect?: string;
                            /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                            send: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Weight of this monitor toward a service's monitor threshold
                         * @default 1
                         */
                        weight?: number;
                    }[];
                    services?: {
                        /** @description IP address or host name of the backend */
                        address: string;
                        /**
                         * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                         * @default 0
                         */
                        capacity?: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description Overrides the vserver's maintenance policy field by field; null: none */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                        migration?: {
                            /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                            port: number;
                            /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                            secret?: string;
                        };
                        /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        monitors?: {
                            /**
                             * @description Name of the bound monitor
                             * @example web-1
                             */
                            monitor: string;
                            /** @description Overrides the monitor's weight for this service */
                            weight?: number;
                        }[];
                        /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                        monitorThreshold?: number;
                        /**
                         * @description Unique service name
                         * @example web-1
                         */
                        name: string;
                        /** @description Backend port */
                        port: number;
                        /** @default tcp */
                        protocol?: "tcp" | "http";
                        /**
                         * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                         * @default none
                         */
                        proxyProtocol?: "none" | "v2";
                        /**
                         * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                         * @example site-a
                         */
                        site?: string;
                        /** @default enabled */
                        state?: "enabled" | "disabled" | "maintenance";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Load-balancing weight
                         * @default 1
                         */
                        weight?: number;
                    }[];
                    /** @description Sites (docs/SITES.md); omitted when there are none */
                    sites?: {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                         * @default 1000
                         */
                        exchangeIntervalMs?: number;
                        /**
                         * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                         * @example site-a
                         */
                        name: string;
                        /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                        peer?: {
                            /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                            url: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    }[];
                    /** @description Global configuration version; read-only, ignored on PUT */
                    readonly version?: number;
                    vservers?: {
                        /**
                         * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                         * @default 60000
                         */
                        clientTimeoutMs?: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        default?: string | null;
                        /**
                         * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                         * @default 10000
                         */
                        headersTimeoutMs?: number;
                        /**
                         * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                         * @default 5000
                         */
                        keepAliveTimeoutMs?: number;
                        /**
                         * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                         * @default roundrobin
                         */
                        lbMethod?: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                        /**
                         * @description null: reachable only as a backup
                         * @default null
                         */
                        listen?: {
                            /**
                             * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                             * @default 0.0.0.0
                             * @example 0.0.0.0
                             * @example 10.0.0.5
                             * @example ::
                             */
                            host?: string;
                            /** @description Listen port (unique across vservers, whatever their host) */
                            port: number;
                        } | null;
                        /** @description Maintenance policy of its services (each may override it); null: the defaults */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /**
                         * @description Unique vserver name
                         * @example web-1
                         */
                        name: string;
                        /** @description Client persistence (cookie: HTTP only) */
                        persistence?: {
                            /** @default 120 */
                            timeoutSeconds?: number;
                            /** @default none */
                            type?: "none" | "sourceip" | "cookie";
                        };
                        protocol: "tcp" | "http";
                        /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                        rules?: {
                            /**
                             * ContentMatch
                             * @description What a request must match: every field given (at least one)
                             */
                            match: {
                                /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                                extension?: string;
                                /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                                header?: {
                                    /** @description Header field name (case-insensitive) */
                                    name: string;
                                    /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                    regex?: string;
                                    /** @description The field value equals this (after trimming), case-sensitive */
                                    value?: string;
                                };
                                /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                                host?: string;
                                /** @description The request method (GET, POST, …) */
                                method?: string;
                                /** @description The request path (before any ?) starts with this (case-sensitive) */
                                pathPrefix?: string;
                                /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                pathRegex?: string;
                                /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                                sourceCidr?: string;
                            };
                            /**
                             * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                             * @example images
                             */
                            name?: string;
                            /**
                             * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                             * @example img
                             */
                            target: string;
                        }[];
                        /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                        selection?: "local" | "manager";
                        /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        services?: {
                            /**
                             * @description Name of the bound service
                             * @example web-1
                             */
                            service: string;
                            /** @description Overrides the service's weight in this vserver */
                            weight?: number;
                        }[];
                        /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                        siteBalancing?: boolean;
                        /** Spillover */
                        spillover?: {
                            /**
                             * @description When the whole chain is exhausted
                             * @default accept
                             */
                            action?: "redirect" | "drop" | "accept";
                            backup?: string | null;
                            /** @default any */
                            combine?: "any" | "all";
                            /**
                             * @description Empty: never spills
                             * @default []
                             */
                            methods?: {
                                /** @description bandwidth only (default both) */
                                direction?: "in" | "out" | "both";
                                /** @description connection only: connection count */
                                threshold?: number;
                                /** @description bandwidth only: kbit/s */
                                thresholdKbps?: number;
                                /** @description health only: percent of enabled weight UP */
                                thresholdPercent?: number;
                                type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                            }[];
                            /**
                             * @description A client that spilled stays on the vserver that served it this long (0: off)
                             * @default 0
                             */
                            persistenceTimeoutSeconds?: number;
                            redirectUrl?: string | null;
                        };
                        surgeQueue?: {
                            /** @default 0 */
                            length?: number;
                            /** @default 5000 */
                            timeoutMs?: number;
                        };
                        /**
                         * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                         * @default 30000
                         */
                        timeoutMs?: number;
                        /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                        type?: "loadbalancing" | "contentswitch";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    }[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "applied": true,
                     *       "dryRun": false,
                     *       "plan": {
                     *         "changes": [
                     *           {
                     *             "action": "create",
                     *             "kind": "service",
                     *             "name": "web-1"
                     *           }
                     *         ],
                     *         "summary": {
                     *           "create": 1,
                     *           "delete": 0,
                     *           "update": 0
                     *         }
                     *       },
                     *       "version": 7
                     *     }
                     */
                    "application/json": {
                        /** @description false for a dry run or an empty plan */
                        applied: boolean;
                        dryRun: boolean;
                        plan: components["schemas"]["Plan"];
                        /** @description Global configuration version after the call */
                        version: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description e.g. token:terraform */
                actor?: string;
                /** @description Opaque cursor from nextCursor */
                cursor?: string;
                /** @description Exact kind, or a prefix ending in "." (e.g. "vserver.") */
                kind?: string;
                limit?: number;
                objectKind?: string;
                objectName?: string;
                /** @description asc: oldest first (stable for tailing); desc: newest first */
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description Who caused it: token:<name>, agent:<name> or system */
                            actor: string;
                            afterVersion: number | null;
                            /** Format: date-time */
                            at: string;
                            beforeVersion: number | null;
                            configVersion: number | null;
                            /** @description Kind-specific details */
                            data?: unknown;
                            /** @description Monotonic id; also the cursor of the event stream */
                            id: string;
                            /** @description API writes: <object>.created|updated|deleted (e.g. service.created, vserver.updated, api-token.created). From the agent hub: agent.connected, agent.disconnected, agent.lease_expired, config.applied, config.rejected, service.state_changed, threshold.changed, quota.rebalanced, and a pair per spilling episode of a vserver: vserver.spillover_started (data: vserver, method = connection|dynamicconnection|bandwidth|health, or down when no service is UP, limit = the connection limit, thresholdKbps or thresholdPercent it tripped at, agents = the agents whose report showed it) once, however many connections spill; vserver.spillover_stopped (the same, plus spills, startedAt, lastSpillAt, reason quiet|removed) once no report showed a spill for the hold time (SPILLWAY_SPILL_HOLD_MS, default 10 s) or the vserver left the config */
                            kind: string;
                            object: {
                                kind: string;
                                name: string;
                            } | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /** @description Replay events after this id first (also read from Last-Event-ID) */
                after?: string;
                kind?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example id: 42
                     *     event: vserver.updated
                     *     data: {"id":"42","kind":"vserver.updated"}
                     */
                    "application/json": string;
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listMonitors: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                            agent?: {
                                /** @description TCP port of the backend's agent-check responder (at the service address) */
                                port: number;
                                /** @description Text sent once connected, before reading the line */
                                send?: string;
                            };
                            /** Format: date-time */
                            readonly createdAt?: string;
                            /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                            dns?: {
                                /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                                expectAddress?: string;
                                /** @description Name queried from the service (a DNS server at its address and port) */
                                query: string;
                                /**
                                 * @description Record type queried
                                 * @default A
                                 */
                                type: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                            };
                            /**
                             * @description Consecutive failures before DOWN
                             * @default 3
                             */
                            fall: number;
                            /** @description HTTP(S) probe; only for type http and https */
                            http?: {
                                /** @description Substring the body must contain */
                                expectBody?: string;
                                /**
                                 * @description Status codes that count as UP
                                 * @default [
                                 *       200
                                 *     ]
                                 */
                                expectStatus: number[];
                                /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                                host?: string;
                                /** @default GET */
                                method: "GET" | "HEAD" | "POST" | "OPTIONS";
                                /**
                                 * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                                 * @default /
                                 */
                                path: string;
                            };
                            /**
                             * @description Time between probes
                             * @default 5000
                             */
                            intervalMs: number;
                            /**
                             * @description Unique monitor name
                             * @example web-1
                             */
                            name: string;
                            /** @description Response-time rules (seed 002) */
                            responseTime?: {
                                /** @description Absolute limit: slower responses count as failures */
                                maxMs?: number;
                                /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                                maxOverAverage?: number;
                            };
                            /**
                             * @description Consecutive successes before UP
                             * @default 1
                             */
                            rise: number;
                            /**
                             * @description Probe timeout; must be below intervalMs
                             * @default 2000
                             */
                            timeoutMs: number;
                            /**
                             * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                             * @default tcp
                             */
                            type: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                            /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                            udp?: {
                                /** @description Substring the reply must contain; omitted or empty: any reply */
                                expect?: string;
                                /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                                send: string;
                            };
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                            /**
                             * @description Weight of this monitor toward a service's monitor threshold
                             * @default 1
                             */
                            weight: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createMonitor: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "fall": 3,
                 *       "http": {
                 *         "expectBody": "ok",
                 *         "expectStatus": [
                 *           200
                 *         ],
                 *         "method": "GET",
                 *         "path": "/healthz"
                 *       },
                 *       "intervalMs": 5000,
                 *       "name": "web-health",
                 *       "responseTime": {
                 *         "maxMs": 800,
                 *         "maxOverAverage": 3
                 *       },
                 *       "rise": 1,
                 *       "timeoutMs": 2000,
                 *       "type": "http",
                 *       "weight": 1
                 *     }
                 */
                "application/json": {
                    /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                    agent?: {
                        /** @description TCP port of the backend's agent-check responder (at the service address) */
                        port: number;
                        /** @description Text sent once connected, before reading the line */
                        send?: string;
                    };
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                    dns?: {
                        /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                        expectAddress?: string;
                        /** @description Name queried from the service (a DNS server at its address and port) */
                        query: string;
                        /**
                         * @description Record type queried
                         * @default A
                         */
                        type?: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                    };
                    /**
                     * @description Consecutive failures before DOWN
                     * @default 3
                     */
                    fall?: number;
                    /** @description HTTP(S) probe; only for type http and https */
                    http?: {
                        /** @description Substring the body must contain */
                        expectBody?: string;
                        /**
                         * @description Status codes that count as UP
                         * @default [
                         *       200
                         *     ]
                         */
                        expectStatus?: number[];
                        /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                        host?: string;
                        /** @default GET */
                        method?: "GET" | "HEAD" | "POST" | "OPTIONS";
                        /**
                         * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                         * @default /
                         */
                        path?: string;
                    };
                    /**
                     * @description Time between probes
                     * @default 5000
                     */
                    intervalMs?: number;
                    /**
                     * @description Unique monitor name
                     * @example web-1
                     */
                    name: string;
                    /** @description Response-time rules (seed 002) */
                    responseTime?: {
                        /** @description Absolute limit: slower responses count as failures */
                        maxMs?: number;
                        /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                        maxOverAverage?: number;
                    };
                    /**
                     * @description Consecutive successes before UP
                     * @default 1
                     */
                    rise?: number;
                    /**
                     * @description Probe timeout; must be below intervalMs
                     * @default 2000
                     */
                    timeoutMs?: number;
                    /**
                     * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                     * @default tcp
                     */
                    type?: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                    /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                    udp?: {
                        /** @description Substring the reply must contain; omitted or empty: any reply */
                        expect?: string;
                        /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                        send: string;
                    };
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    /**
                     * @description Weight of this monitor toward a service's monitor threshold
                     * @default 1
                     */
                    weight?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "fall": 3,
                     *       "http": {
                     *         "expectBody": "ok",
                     *         "expectStatus": [
                     *           200
                     *         ],
                     *         "method": "GET",
                     *         "path": "/healthz"
                     *       },
                     *       "intervalMs": 5000,
                     *       "name": "web-health",
                     *       "responseTime": {
                     *         "maxMs": 800,
                     *         "maxOverAverage": 3
                     *       },
                     *       "rise": 1,
                     *       "timeoutMs": 2000,
                     *       "type": "http",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                        agent?: {
                            /** @description TCP port of the backend's agent-check responder (at the service address) */
                            port: number;
                            /** @description Text sent once connected, before reading the line */
                            send?: string;
                        };
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                        dns?: {
                            /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                            expectAddress?: string;
                            /** @description Name queried from the service (a DNS server at its address and port) */
                            query: string;
                            /**
                             * @description Record type queried
                             * @default A
                             */
                            type: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                        };
                        /**
                         * @description Consecutive failures before DOWN
                         * @default 3
                         */
                        fall: number;
                        /** @description HTTP(S) probe; only for type http and https */
                        http?: {
                            /** @description Substring the body must contain */
                            expectBody?: string;
                            /**
                             * @description Status codes that count as UP
                             * @default [
                             *       200
                             *     ]
                             */
                            expectStatus: number[];
                            /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                            host?: string;
                            /** @default GET */
                            method: "GET" | "HEAD" | "POST" | "OPTIONS";
                            /**
                             * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                             * @default /
                             */
                            path: string;
                        };
                        /**
                         * @description Time between probes
                         * @default 5000
                         */
                        intervalMs: number;
                        /**
                         * @description Unique monitor name
                         * @example web-1
                         */
                        name: string;
                        /** @description Response-time rules (seed 002) */
                        responseTime?: {
                            /** @description Absolute limit: slower responses count as failures */
                            maxMs?: number;
                            /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                            maxOverAverage?: number;
                        };
                        /**
                         * @description Consecutive successes before UP
                         * @default 1
                         */
                        rise: number;
                        /**
                         * @description Probe timeout; must be below intervalMs
                         * @default 2000
                         */
                        timeoutMs: number;
                        /**
                         * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                         * @default tcp
                         */
                        type: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                        /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                        udp?: {
                            /** @description Substring the reply must contain; omitted or empty: any reply */
                            expect?: string;
                            /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                            send: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Weight of this monitor toward a service's monitor threshold
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMonitor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "fall": 3,
                     *       "http": {
                     *         "expectBody": "ok",
                     *         "expectStatus": [
                     *           200
                     *         ],
                     *         "method": "GET",
                     *         "path": "/healthz"
                     *       },
                     *       "intervalMs": 5000,
                     *       "name": "web-health",
                     *       "responseTime": {
                     *         "maxMs": 800,
                     *         "maxOverAverage": 3
                     *       },
                     *       "rise": 1,
                     *       "timeoutMs": 2000,
                     *       "type": "http",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                        agent?: {
                            /** @description TCP port of the backend's agent-check responder (at the service address) */
                            port: number;
                            /** @description Text sent once connected, before reading the line */
                            send?: string;
                        };
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                        dns?: {
                            /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                            expectAddress?: string;
                            /** @description Name queried from the service (a DNS server at its address and port) */
                            query: string;
                            /**
                             * @description Record type queried
                             * @default A
                             */
                            type: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                        };
                        /**
                         * @description Consecutive failures before DOWN
                         * @default 3
                         */
                        fall: number;
                        /** @description HTTP(S) probe; only for type http and https */
                        http?: {
                            /** @description Substring the body must contain */
                            expectBody?: string;
                            /**
                             * @description Status codes that count as UP
                             * @default [
                             *       200
                             *     ]
                             */
                            expectStatus: number[];
                            /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                            host?: string;
                            /** @default GET */
                            method: "GET" | "HEAD" | "POST" | "OPTIONS";
                            /**
                             * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                             * @default /
                             */
                            path: string;
                        };
                        /**
                         * @description Time between probes
                         * @default 5000
                         */
                        intervalMs: number;
                        /**
                         * @description Unique monitor name
                         * @example web-1
                         */
                        name: string;
                        /** @description Response-time rules (seed 002) */
                        responseTime?: {
                            /** @description Absolute limit: slower responses count as failures */
                            maxMs?: number;
                            /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                            maxOverAverage?: number;
                        };
                        /**
                         * @description Consecutive successes before UP
                         * @default 1
                         */
                        rise: number;
                        /**
                         * @description Probe timeout; must be below intervalMs
                         * @default 2000
                         */
                        timeoutMs: number;
                        /**
                         * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                         * @default tcp
                         */
                        type: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                        /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                        udp?: {
                            /** @description Substring the reply must contain; omitted or empty: any reply */
                            expect?: string;
                            /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                            send: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Weight of this monitor toward a service's monitor threshold
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putMonitor: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description The whole monitor: omitted optional fields return to their defaults */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "fall": 3,
                 *       "http": {
                 *         "expectBody": "ok",
                 *         "expectStatus": [
                 *           200
                 *         ],
                 *         "method": "GET",
                 *         "path": "/healthz"
                 *       },
                 *       "intervalMs": 5000,
                 *       "name": "web-health",
                 *       "responseTime": {
                 *         "maxMs": 800,
                 *         "maxOverAverage": 3
                 *       },
                 *       "rise": 1,
                 *       "timeoutMs": 2000,
                 *       "type": "http",
                 *       "weight": 1
                 *     }
                 */
                "application/json": {
                    /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                    agent?: {
                        /** @description TCP port of the backend's agent-check responder (at the service address) */
                        port: number;
                        /** @description Text sent once connected, before reading the line */
                        send?: string;
                    };
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                    dns?: {
                        /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                        expectAddress?: string;
                        /** @description Name queried from the service (a DNS server at its address and port) */
                        query: string;
                        /**
                         * @description Record type queried
                         * @default A
                         */
                        type?: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                    };
                    /**
                     * @description Consecutive failures before DOWN
                     * @default 3
                     */
                    fall?: number;
                    /** @description HTTP(S) probe; only for type http and https */
                    http?: {
                        /** @description Substring the body must contain */
                        expectBody?: string;
                        /**
                         * @description Status codes that count as UP
                         * @default [
                         *       200
                         *     ]
                         */
                        expectStatus?: number[];
                        /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                        host?: string;
                        /** @default GET */
                        method?: "GET" | "HEAD" | "POST" | "OPTIONS";
                        /**
                         * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                         * @default /
                         */
                        path?: string;
                    };
                    /**
                     * @description Time between probes
                     * @default 5000
                     */
                    intervalMs?: number;
                    /**
                     * @description Unique monitor name
                     * @example web-1
                     */
                    name?: string;
                    /** @description Response-time rules (seed 002) */
                    responseTime?: {
                        /** @description Absolute limit: slower responses count as failures */
                        maxMs?: number;
                        /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                        maxOverAverage?: number;
                    };
                    /**
                     * @description Consecutive successes before UP
                     * @default 1
                     */
                    rise?: number;
                    /**
                     * @description Probe timeout; must be below intervalMs
                     * @default 2000
                     */
                    timeoutMs?: number;
                    /**
                     * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                     * @default tcp
                     */
                    type?: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                    /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                    udp?: {
                        /** @description Substring the reply must contain; omitted or empty: any reply */
                        expect?: string;
                        /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                        send: string;
                    };
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    /**
                     * @description Weight of this monitor toward a service's monitor threshold
                     * @default 1
                     */
                    weight?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "fall": 3,
                     *       "http": {
                     *         "expectBody": "ok",
                     *         "expectStatus": [
                     *           200
                     *         ],
                     *         "method": "GET",
                     *         "path": "/healthz"
                     *       },
                     *       "intervalMs": 5000,
                     *       "name": "web-health",
                     *       "responseTime": {
                     *         "maxMs": 800,
                     *         "maxOverAverage": 3
                     *       },
                     *       "rise": 1,
                     *       "timeoutMs": 2000,
                     *       "type": "http",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                        agent?: {
                            /** @description TCP port of the backend's agent-check responder (at the service address) */
                            port: number;
                            /** @description Text sent once connected, before reading the line */
                            send?: string;
                        };
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                        dns?: {
                            /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                            expectAddress?: string;
                            /** @description Name queried from the service (a DNS server at its address and port) */
                            query: string;
                            /**
                             * @description Record type queried
                             * @default A
                             */
                            type: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                        };
                        /**
                         * @description Consecutive failures before DOWN
                         * @default 3
                         */
                        fall: number;
                        /** @description HTTP(S) probe; only for type http and https */
                        http?: {
                            /** @description Substring the body must contain */
                            expectBody?: string;
                            /**
                             * @description Status codes that count as UP
                             * @default [
                             *       200
                             *     ]
                             */
                            expectStatus: number[];
                            /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                            host?: string;
                            /** @default GET */
                            method: "GET" | "HEAD" | "POST" | "OPTIONS";
                            /**
                             * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                             * @default /
                             */
                            path: string;
                        };
                        /**
                         * @description Time between probes
                         * @default 5000
                         */
                        intervalMs: number;
                        /**
                         * @description Unique monitor name
                         * @example web-1
                         */
                        name: string;
                        /** @description Response-time rules (seed 002) */
                        responseTime?: {
                            /** @description Absolute limit: slower responses count as failures */
                            maxMs?: number;
                            /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                            maxOverAverage?: number;
                        };
                        /**
                         * @description Consecutive successes before UP
                         * @default 1
                         */
                        rise: number;
                        /**
                         * @description Probe timeout; must be below intervalMs
                         * @default 2000
                         */
                        timeoutMs: number;
                        /**
                         * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                         * @default tcp
                         */
                        type: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                        /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                        udp?: {
                            /** @description Substring the reply must contain; omitted or empty: any reply */
                            expect?: string;
                            /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                            send: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Weight of this monitor toward a service's monitor threshold
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "fall": 3,
                     *       "http": {
                     *         "expectBody": "ok",
                     *         "expectStatus": [
                     *           200
                     *         ],
                     *         "method": "GET",
                     *         "path": "/healthz"
                     *       },
                     *       "intervalMs": 5000,
                     *       "name": "web-health",
                     *       "responseTime": {
                     *         "maxMs": 800,
                     *         "maxOverAverage": 3
                     *       },
                     *       "rise": 1,
                     *       "timeoutMs": 2000,
                     *       "type": "http",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                        agent?: {
                            /** @description TCP port of the backend's agent-check responder (at the service address) */
                            port: number;
                            /** @description Text sent once connected, before reading the line */
                            send?: string;
                        };
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                        dns?: {
                            /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                            expectAddress?: string;
                            /** @description Name queried from the service (a DNS server at its address and port) */
                            query: string;
                            /**
                             * @description Record type queried
                             * @default A
                             */
                            type: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                        };
                        /**
                         * @description Consecutive failures before DOWN
                         * @default 3
                         */
                        fall: number;
                        /** @description HTTP(S) probe; only for type http and https */
                        http?: {
                            /** @description Substring the body must contain */
                            expectBody?: string;
                            /**
                             * @description Status codes that count as UP
                             * @default [
                             *       200
                             *     ]
                             */
                            expectStatus: number[];
                            /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                            host?: string;
                            /** @default GET */
                            method: "GET" | "HEAD" | "POST" | "OPTIONS";
                            /**
                             * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                             * @default /
                             */
                            path: string;
                        };
                        /**
                         * @description Time between probes
                         * @default 5000
                         */
                        intervalMs: number;
                        /**
                         * @description Unique monitor name
                         * @example web-1
                         */
                        name: string;
                        /** @description Response-time rules (seed 002) */
                        responseTime?: {
                            /** @description Absolute limit: slower responses count as failures */
                            maxMs?: number;
                            /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                            maxOverAverage?: number;
                        };
                        /**
                         * @description Consecutive successes before UP
                         * @default 1
                         */
                        rise: number;
                        /**
                         * @description Probe timeout; must be below intervalMs
                         * @default 2000
                         */
                        timeoutMs: number;
                        /**
                         * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                         * @default tcp
                         */
                        type: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                        /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                        udp?: {
                            /** @description Substring the reply must contain; omitted or empty: any reply */
                            expect?: string;
                            /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                            send: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Weight of this monitor toward a service's monitor threshold
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteMonitor: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchMonitor: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description Merge: given fields replace, null resets a field to its default, omitted fields stay */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "intervalMs": 2000,
                 *       "responseTime": null
                 *     }
                 */
                "application/json": {
                    agent?: {
                        /** @description TCP port of the backend's agent-check responder (at the service address) */
                        port: number;
                        /** @description Text sent once connected, before reading the line */
                        send?: string;
                    } | null;
                    /** Format: date-time */
                    readonly createdAt?: string;
                    dns?: {
                        /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                        expectAddress?: string;
                        /** @description Name queried from the service (a DNS server at its address and port) */
                        query: string;
                        /**
                         * @description Record type queried
                         * @default A
                         */
                        type?: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                    } | null;
                    fall?: number | null;
                    http?: {
                        /** @description Substring the body must contain */
                        expectBody?: string;
                        /**
                         * @description Status codes that count as UP
                         * @default [
                         *       200
                         *     ]
                         */
                        expectStatus?: number[];
                        /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                        host?: string;
                        /** @default GET */
                        method?: "GET" | "HEAD" | "POST" | "OPTIONS";
                        /**
                         * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                         * @default /
                         */
                        path?: string;
                    } | null;
                    intervalMs?: number | null;
                    /**
                     * @description Unique monitor name
                     * @example web-1
                     */
                    name?: string;
                    responseTime?: {
                        /** @description Absolute limit: slower responses count as failures */
                        maxMs?: number;
                        /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                        maxOverAverage?: number;
                    } | null;
                    rise?: number | null;
                    timeoutMs?: number | null;
                    type?: ("tcp" | "http" | "https" | "udp" | "dns" | "agent") | null;
                    udp?: {
                        /** @description Substring the reply must contain; omitted or empty: any reply */
                        expect?: string;
                        /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                        send: string;
                    } | null;
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    weight?: number | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "fall": 3,
                     *       "http": {
                     *         "expectBody": "ok",
                     *         "expectStatus": [
                     *           200
                     *         ],
                     *         "method": "GET",
                     *         "path": "/healthz"
                     *       },
                     *       "intervalMs": 5000,
                     *       "name": "web-health",
                     *       "responseTime": {
                     *         "maxMs": 800,
                     *         "maxOverAverage": 3
                     *       },
                     *       "rise": 1,
                     *       "timeoutMs": 2000,
                     *       "type": "http",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description HAProxy agent-check compatible probe: one line of comma/space separated words (N%, drain, maint, ready, up, down, stopped, fail, maxconn:N) read from the backend's agent port; only for type agent */
                        agent?: {
                            /** @description TCP port of the backend's agent-check responder (at the service address) */
                            port: number;
                            /** @description Text sent once connected, before reading the line */
                            send?: string;
                        };
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description DNS probe: UP on NOERROR with at least one answer of the queried type (and the expected address when given); only for type dns */
                        dns?: {
                            /** @description An answer of the queried type must carry this value (an address for A/AAAA) */
                            expectAddress?: string;
                            /** @description Name queried from the service (a DNS server at its address and port) */
                            query: string;
                            /**
                             * @description Record type queried
                             * @default A
                             */
                            type: "A" | "AAAA" | "CNAME" | "MX" | "NS" | "PTR" | "SOA" | "SRV" | "TXT";
                        };
                        /**
                         * @description Consecutive failures before DOWN
                         * @default 3
                         */
                        fall: number;
                        /** @description HTTP(S) probe; only for type http and https */
                        http?: {
                            /** @description Substring the body must contain */
                            expectBody?: string;
                            /**
                             * @description Status codes that count as UP
                             * @default [
                             *       200
                             *     ]
                             */
                            expectStatus: number[];
                            /** @description Host header of the probe: a host name or IP literal with an optional :port; 422 otherwise */
                            host?: string;
                            /** @default GET */
                            method: "GET" | "HEAD" | "POST" | "OPTIONS";
                            /**
                             * @description Request target in origin-form: / then RFC 3986 path and query characters (no spaces, CR, LF or NUL; percent-encode the rest); 422 otherwise
                             * @default /
                             */
                            path: string;
                        };
                        /**
                         * @description Time between probes
                         * @default 5000
                         */
                        intervalMs: number;
                        /**
                         * @description Unique monitor name
                         * @example web-1
                         */
                        name: string;
                        /** @description Response-time rules (seed 002) */
                        responseTime?: {
                            /** @description Absolute limit: slower responses count as failures */
                            maxMs?: number;
                            /** @description Relative limit: a response slower than this multiple of the rolling average counts as a failure */
                            maxOverAverage?: number;
                        };
                        /**
                         * @description Consecutive successes before UP
                         * @default 1
                         */
                        rise: number;
                        /**
                         * @description Probe timeout; must be below intervalMs
                         * @default 2000
                         */
                        timeoutMs: number;
                        /**
                         * @description tcp (connect), http/https (request), udp (datagram and reply), dns (query), agent (HAProxy agent-check line)
                         * @default tcp
                         */
                        type: "tcp" | "http" | "https" | "udp" | "dns" | "agent";
                        /** @description UDP probe (seed 002 "UDP echo"): a reply within timeoutMs; only for type udp */
                        udp?: {
                            /** @description Substring the reply must contain; omitted or empty: any reply */
                            expect?: string;
                            /** @description Payload of the datagram sent to the service address and port (UTF-8) */
                            send: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Weight of this monitor toward a service's monitor threshold
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listServiceTokens: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            lastUsedAt: string | null;
                            name: string;
                            service: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createServiceToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "web-1-feedback",
                 *       "service": "web-1"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description Unique token name
                     * @example web-1
                     */
                    name: string;
                    /**
                     * @description The service whose backends push feedback with this token (it is good for nothing else)
                     * @example web-1
                     */
                    service: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "web-1-feedback",
                     *       "service": "web-1",
                     *       "token": "spw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                        service: string;
                        /** @description The secret, shown this once */
                        token: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getServiceToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-01-01T00:00:00.000Z",
                     *       "lastUsedAt": null,
                     *       "name": "web-1-feedback",
                     *       "service": "web-1"
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        lastUsedAt: string | null;
                        name: string;
                        service: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteServiceToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listServices: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description IP address or host name of the backend */
                            address: string;
                            /**
                             * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                             * @default 0
                             */
                            capacity: number;
                            /** Format: date-time */
                            readonly createdAt?: string;
                            /** @description Overrides the vserver's maintenance policy field by field; null: none */
                            maintenance?: {
                                /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                                drainTimeoutSeconds?: number;
                                /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                                migrateAfterSeconds?: number;
                                target?: string | null;
                            } | null;
                            /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                            migration?: {
                                /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                                port: number;
                                /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                                secret?: string;
                            };
                            /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                            monitors?: {
                                /**
                                 * @description Name of the bound monitor
                                 * @example web-1
                                 */
                                monitor: string;
                                /** @description Overrides the monitor's weight for this service */
                                weight?: number;
                            }[];
                            /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                            monitorThreshold?: number;
                            /**
                             * @description Unique service name
                             * @example web-1
                             */
                            name: string;
                            /** @description Backend port */
                            port: number;
                            /** @default tcp */
                            protocol: "tcp" | "http";
                            /**
                             * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                             * @default none
                             */
                            proxyProtocol: "none" | "v2";
                            /**
                             * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                             * @example site-a
                             */
                            site?: string;
                            /** @default enabled */
                            state: "enabled" | "disabled" | "maintenance";
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                            /**
                             * @description Load-balancing weight
                             * @default 1
                             */
                            weight: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createService: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "address": "10.0.0.11",
                 *       "capacity": 200,
                 *       "monitorThreshold": 2,
                 *       "monitors": [
                 *         {
                 *           "monitor": "web-health"
                 *         },
                 *         {
                 *           "monitor": "tcp-open",
                 *           "weight": 1
                 *         }
                 *       ],
                 *       "name": "web-1",
                 *       "port": 8080,
                 *       "protocol": "http",
                 *       "state": "enabled",
                 *       "weight": 1
                 *     }
                 */
                "application/json": {
                    /** @description IP address or host name of the backend */
                    address: string;
                    /**
                     * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                     * @default 0
                     */
                    capacity?: number;
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /** @description Overrides the vserver's maintenance policy field by field; null: none */
                    maintenance?: {
                        /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                        drainTimeoutSeconds?: number;
                        /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                        migrateAfterSeconds?: number;
                        target?: string | null;
                    } | null;
                    /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                    migration?: {
                        /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                        port: number;
                        /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                        secret?: string;
                    };
                    /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                    monitors?: {
                        /**
                         * @description Name of the bound monitor
                         * @example web-1
                         */
                        monitor: string;
                        /** @description Overrides the monitor's weight for this service */
                        weight?: number;
                    }[];
                    /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                    monitorThreshold?: number;
                    /**
                     * @description Unique service name
                     * @example web-1
                     */
                    name: string;
                    /** @description Backend port */
                    port: number;
                    /** @default tcp */
                    protocol?: "tcp" | "http";
                    /**
                     * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                     * @default none
                     */
                    proxyProtocol?: "none" | "v2";
                    /**
                     * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                     * @example site-a
                     */
                    site?: string;
                    /** @default enabled */
                    state?: "enabled" | "disabled" | "maintenance";
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    /**
                     * @description Load-balancing weight
                     * @default 1
                     */
                    weight?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "address": "10.0.0.11",
                     *       "capacity": 200,
                     *       "monitorThreshold": 2,
                     *       "monitors": [
                     *         {
                     *           "monitor": "web-health"
                     *         },
                     *         {
                     *           "monitor": "tcp-open",
                     *           "weight": 1
                     *         }
                     *       ],
                     *       "name": "web-1",
                     *       "port": 8080,
                     *       "protocol": "http",
                     *       "state": "enabled",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description IP address or host name of the backend */
                        address: string;
                        /**
                         * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                         * @default 0
                         */
                        capacity: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description Overrides the vserver's maintenance policy field by field; null: none */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                        migration?: {
                            /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                            port: number;
                            /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                            secret?: string;
                        };
                        /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        monitors?: {
                            /**
                             * @description Name of the bound monitor
                             * @example web-1
                             */
                            monitor: string;
                            /** @description Overrides the monitor's weight for this service */
                            weight?: number;
                        }[];
                        /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                        monitorThreshold?: number;
                        /**
                         * @description Unique service name
                         * @example web-1
                         */
                        name: string;
                        /** @description Backend port */
                        port: number;
                        /** @default tcp */
                        protocol: "tcp" | "http";
                        /**
                         * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                         * @default none
                         */
                        proxyProtocol: "none" | "v2";
                        /**
                         * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                         * @example site-a
                         */
                        site?: string;
                        /** @default enabled */
                        state: "enabled" | "disabled" | "maintenance";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Load-balancing weight
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getService: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "address": "10.0.0.11",
                     *       "capacity": 200,
                     *       "monitorThreshold": 2,
                     *       "monitors": [
                     *         {
                     *           "monitor": "web-health"
                     *         },
                     *         {
                     *           "monitor": "tcp-open",
                     *           "weight": 1
                     *         }
                     *       ],
                     *       "name": "web-1",
                     *       "port": 8080,
                     *       "protocol": "http",
                     *       "state": "enabled",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description IP address or host name of the backend */
                        address: string;
                        /**
                         * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                         * @default 0
                         */
                        capacity: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description Overrides the vserver's maintenance policy field by field; null: none */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                        migration?: {
                            /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                            port: number;
                            /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                            secret?: string;
                        };
                        /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        monitors?: {
                            /**
                             * @description Name of the bound monitor
                             * @example web-1
                             */
                            monitor: string;
                            /** @description Overrides the monitor's weight for this service */
                            weight?: number;
                        }[];
                        /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                        monitorThreshold?: number;
                        /**
                         * @description Unique service name
                         * @example web-1
                         */
                        name: string;
                        /** @description Backend port */
                        port: number;
                        /** @default tcp */
                        protocol: "tcp" | "http";
                        /**
                         * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                         * @default none
                         */
                        proxyProtocol: "none" | "v2";
                        /**
                         * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                         * @example site-a
                         */
                        site?: string;
                        /** @default enabled */
                        state: "enabled" | "disabled" | "maintenance";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Load-balancing weight
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putService: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description The whole service: omitted optional fields return to their defaults */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "address": "10.0.0.11",
                 *       "capacity": 200,
                 *       "monitorThreshold": 2,
                 *       "monitors": [
                 *         {
                 *           "monitor": "web-health"
                 *         },
                 *         {
                 *           "monitor": "tcp-open",
                 *           "weight": 1
                 *         }
                 *       ],
                 *       "name": "web-1",
                 *       "port": 8080,
                 *       "protocol": "http",
                 *       "state": "enabled",
                 *       "weight": 1
                 *     }
                 */
                "application/json": {
                    /** @description IP address or host name of the backend */
                    address: string;
                    /**
                     * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                     * @default 0
                     */
                    capacity?: number;
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /** @description Overrides the vserver's maintenance policy field by field; null: none */
                    maintenance?: {
                        /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                        drainTimeoutSeconds?: number;
                        /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                        migrateAfterSeconds?: number;
                        target?: string | null;
                    } | null;
                    /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                    migration?: {
                        /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                        port: number;
                        /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                        secret?: string;
                    };
                    /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                    monitors?: {
                        /**
                         * @description Name of the bound monitor
                         * @example web-1
                         */
                        monitor: string;
                        /** @description Overrides the monitor's weight for this service */
                        weight?: number;
                    }[];
                    /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                    monitorThreshold?: number;
                    /**
                     * @description Unique service name
                     * @example web-1
                     */
                    name?: string;
                    /** @description Backend port */
                    port: number;
                    /** @default tcp */
                    protocol?: "tcp" | "http";
                    /**
                     * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                     * @default none
                     */
                    proxyProtocol?: "none" | "v2";
                    /**
                     * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                     * @example site-a
                     */
                    site?: string;
                    /** @default enabled */
                    state?: "enabled" | "disabled" | "maintenance";
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    /**
                     * @description Load-balancing weight
                     * @default 1
                     */
                    weight?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "address": "10.0.0.11",
                     *       "capacity": 200,
                     *       "monitorThreshold": 2,
                     *       "monitors": [
                     *         {
                     *           "monitor": "web-health"
                     *         },
                     *         {
                     *           "monitor": "tcp-open",
                     *           "weight": 1
                     *         }
                     *       ],
                     *       "name": "web-1",
                     *       "port": 8080,
                     *       "protocol": "http",
                     *       "state": "enabled",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description IP address or host name of the backend */
                        address: string;
                        /**
                         * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                         * @default 0
                         */
                        capacity: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description Overrides the vserver's maintenance policy field by field; null: none */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                        migration?: {
                            /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                            port: number;
                            /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                            secret?: string;
                        };
                        /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        monitors?: {
                            /**
                             * @description Name of the bound monitor
                             * @example web-1
                             */
                            monitor: string;
                            /** @description Overrides the monitor's weight for this service */
                            weight?: number;
                        }[];
                        /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                        monitorThreshold?: number;
                        /**
                         * @description Unique service name
                         * @example web-1
                         */
                        name: string;
                        /** @description Backend port */
                        port: number;
                        /** @default tcp */
                        protocol: "tcp" | "http";
                        /**
                         * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                         * @default none
                         */
                        proxyProtocol: "none" | "v2";
                        /**
                         * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                         * @example site-a
                         */
                        site?: string;
                        /** @default enabled */
                        state: "enabled" | "disabled" | "maintenance";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Load-balancing weight
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "address": "10.0.0.11",
                     *       "capacity": 200,
                     *       "monitorThreshold": 2,
                     *       "monitors": [
                     *         {
                     *           "monitor": "web-health"
                     *         },
                     *         {
                     *           "monitor": "tcp-open",
                     *           "weight": 1
                     *         }
                     *       ],
                     *       "name": "web-1",
                     *       "port": 8080,
                     *       "protocol": "http",
                     *       "state": "enabled",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description IP address or host name of the backend */
                        address: string;
                        /**
                         * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                         * @default 0
                         */
                        capacity: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description Overrides the vserver's maintenance policy field by field; null: none */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                        migration?: {
                            /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                            port: number;
                            /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                            secret?: string;
                        };
                        /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        monitors?: {
                            /**
                             * @description Name of the bound monitor
                             * @example web-1
                             */
                            monitor: string;
                            /** @description Overrides the monitor's weight for this service */
                            weight?: number;
                        }[];
                        /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                        monitorThreshold?: number;
                        /**
                         * @description Unique service name
                         * @example web-1
                         */
                        name: string;
                        /** @description Backend port */
                        port: number;
                        /** @default tcp */
                        protocol: "tcp" | "http";
                        /**
                         * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                         * @default none
                         */
                        proxyProtocol: "none" | "v2";
                        /**
                         * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                         * @example site-a
                         */
                        site?: string;
                        /** @default enabled */
                        state: "enabled" | "disabled" | "maintenance";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Load-balancing weight
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteService: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchService: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description Merge: given fields replace, null resets a field to its default, omitted fields stay */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "capacity": 300,
                 *       "state": "maintenance"
                 *     }
                 */
                "application/json": {
                    /** @description IP address or host name of the backend */
                    address?: string;
                    capacity?: number | null;
                    /** Format: date-time */
                    readonly createdAt?: string;
                    maintenance?: ({
                        /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                        drainTimeoutSeconds?: number;
                        /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                        migrateAfterSeconds?: number;
                        target?: string | null;
                    } | null) | null;
                    migration?: {
                        /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                        port: number;
                        /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                        secret?: string;
                    } | null;
                    monitors?: {
                        /**
                         * @description Name of the bound monitor
                         * @example web-1
                         */
                        monitor: string;
                        /** @description Overrides the monitor's weight for this service */
                        weight?: number;
                    }[] | null;
                    monitorThreshold?: number | null;
                    /**
                     * @description Unique service name
                     * @example web-1
                     */
                    name?: string;
                    /** @description Backend port */
                    port?: number;
                    protocol?: ("tcp" | "http") | null;
                    proxyProtocol?: ("none" | "v2") | null;
                    site?: string | null;
                    state?: ("enabled" | "disabled" | "maintenance") | null;
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    weight?: number | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "address": "10.0.0.11",
                     *       "capacity": 200,
                     *       "monitorThreshold": 2,
                     *       "monitors": [
                     *         {
                     *           "monitor": "web-health"
                     *         },
                     *         {
                     *           "monitor": "tcp-open",
                     *           "weight": 1
                     *         }
                     *       ],
                     *       "name": "web-1",
                     *       "port": 8080,
                     *       "protocol": "http",
                     *       "state": "enabled",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** @description IP address or host name of the backend */
                        address: string;
                        /**
                         * @description Connections the backend is configured to process; counts toward dynamicconnection thresholds while UP
                         * @default 0
                         */
                        capacity: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /** @description Overrides the vserver's maintenance policy field by field; null: none */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /** @description Live migration of long-lived connections (issue 15); requires proxyProtocol v2. Omitted: the service drains in maintenance */
                        migration?: {
                            /** @description Port of the backend's migration control endpoint (packages/migration/PROTOCOL.md), on the service's address */
                            port: number;
                            /** @description Shared secret of the agents and the backends of the service (Bearer token of the control endpoint), 16-512 visible ASCII characters. Write-only: never in a GET, status, plan, event or log; a write that omits it keeps the stored one (required when migration is first set) */
                            secret?: string;
                        };
                        /** @description Monitor bindings. On PUT/PATCH of a service, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        monitors?: {
                            /**
                             * @description Name of the bound monitor
                             * @example web-1
                             */
                            monitor: string;
                            /** @description Overrides the monitor's weight for this service */
                            weight?: number;
                        }[];
                        /** @description Sum of weights of UP monitors needed for the service to be UP; omitted: every bound monitor */
                        monitorThreshold?: number;
                        /**
                         * @description Unique service name
                         * @example web-1
                         */
                        name: string;
                        /** @description Backend port */
                        port: number;
                        /** @default tcp */
                        protocol: "tcp" | "http";
                        /**
                         * @description v2: every upstream connection to the service starts with a PROXY protocol v2 header (HAProxy's spec): the client's address and port, the agent's listen address and port, TLV 0xE0 the agent's connection id (and TLV 0xE1 the migration id on a migrated connection). HTTP: each client connection then has upstream connections of its own (no pooled connection is shared between clients), as HAProxy's send-proxy-v2
                         * @default none
                         */
                        proxyProtocol: "none" | "v2";
                        /**
                         * @description The site whose agents serve (monitor, balance onto) this service: a name of the sites section (422 otherwise); omitted: every agent serves it (docs/SITES.md)
                         * @example site-a
                         */
                        site?: string;
                        /** @default enabled */
                        state: "enabled" | "disabled" | "maintenance";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description Load-balancing weight
                         * @default 1
                         */
                        weight: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listServiceConnections: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description The agent holding the client connection */
                            agent: string;
                            ageSeconds: number;
                            /** @description Client address:port */
                            client: string;
                            /** @description The agent's connection id (TLV 0xE0 of the PROXY v2 header the service receives) */
                            id: string;
                            /** @description Bytes from the client */
                            rxBytes: number;
                            state: "active" | "draining" | "migrating" | "migrated";
                            /** @description Bytes to the client */
                            txBytes: number;
                            vserver: string;
                        }[];
                        /** @description Counts across agents once an agent reported any (maintenance, migrations) */
                        maintenance: {
                            /** @description Connections closed at the drain deadline */
                            drainClosed: number;
                            /** @description Connections draining now (younger than migrateAfterSeconds, of a service without a migration endpoint, or whose migration failed) */
                            draining: number;
                            /** @description Migrations that failed: the connection stayed on the service, or was closed when the failure came after the source let go */
                            failed: number;
                            lastFailure: {
                                agent: string;
                                /** Format: date-time */
                                at: string;
                                /** @description no_target, export_refused, export_failed, export_timeout, output_timeout, output_overrun, source_closed, target_connect_failed, client_closed */
                                code: string;
                                message: string;
                            } | null;
                            /** @description Connections moved off this service (cumulative, per agent run) */
                            migrated: number;
                            /** @description Connections being migrated now */
                            migrating: number;
                        } | null;
                        nextCursor: string | null;
                        service: string;
                        total: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getServiceFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "feedback": {
                     *         "admin": "drain",
                     *         "health": "up",
                     *         "maxconn": null,
                     *         "reason": null,
                     *         "weightPercent": 50
                     *       },
                     *       "line": "50% drain",
                     *       "service": "web-1",
                     *       "unknown": [],
                     *       "updatedAt": "2026-01-01T00:00:00.000Z"
                     *     }
                     */
                    "application/json": {
                        /** FeedbackState */
                        feedback: {
                            admin: "ready" | "drain" | "maint";
                            health: "up" | "down";
                            /** @description null: the configured capacity */
                            maxconn: number | null;
                            /** @description Why DOWN (the word and the description), null while up */
                            reason: string | null;
                            /** @description null: the configured weight */
                            weightPercent: number | null;
                        };
                        /** @description The last line pushed */
                        line: string;
                        service: string;
                        /** @description Words of the line that mean nothing here (ignored) */
                        unknown?: string[];
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    pushServiceFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "line": "75% maxconn:40"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description One line in HAProxy's agent-check vocabulary, words separated by spaces, tabs or commas, any order: N% (weight relative to the configured one), maxconn:N (the service's effective capacity, so the dynamic threshold moves), ready / drain (no new connection, open ones continue) / maint, up / down / fail / stopped, and after # a description. A line changes only what it mentions; unknown words are ignored and listed
                     * @example drain
                     * @example 50% maxconn:20
                     * @example stopped # upgrade
                     */
                    line: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "feedback": {
                     *         "admin": "drain",
                     *         "health": "up",
                     *         "maxconn": null,
                     *         "reason": null,
                     *         "weightPercent": 50
                     *       },
                     *       "line": "50% drain",
                     *       "service": "web-1",
                     *       "unknown": [],
                     *       "updatedAt": "2026-01-01T00:00:00.000Z"
                     *     }
                     */
                    "application/json": {
                        /** FeedbackState */
                        feedback: {
                            admin: "ready" | "drain" | "maint";
                            health: "up" | "down";
                            /** @description null: the configured capacity */
                            maxconn: number | null;
                            /** @description Why DOWN (the word and the description), null while up */
                            reason: string | null;
                            /** @description null: the configured weight */
                            weightPercent: number | null;
                        };
                        /** @description The last line pushed */
                        line: string;
                        service: string;
                        /** @description Words of the line that mean nothing here (ignored) */
                        unknown?: string[];
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    clearServiceFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cleared */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listServiceMonitorBindings: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The service
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            readonly createdAt?: string;
                            /**
                             * @description The monitor (from the path; read-only)
                             * @example web-1
                             */
                            monitor?: string;
                            /**
                             * @description The service (from the path; read-only)
                             * @example web-1
                             */
                            service?: string;
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                            weight?: number | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createServiceMonitorBinding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The service
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "monitor": "web-health",
                 *       "weight": 2
                 *     }
                 */
                "application/json": {
                    /**
                     * @description The monitor to bind
                     * @example web-1
                     */
                    monitor: string;
                    weight?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "monitor": "web-health",
                     *       "service": "web-1",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The monitor (from the path; read-only)
                         * @example web-1
                         */
                        monitor?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        weight?: number | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getServiceMonitorBinding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The bound monitor
                 * @example web-1
                 */
                monitor: string;
                /**
                 * @description The service
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "monitor": "web-health",
                     *       "service": "web-1",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The monitor (from the path; read-only)
                         * @example web-1
                         */
                        monitor?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        weight?: number | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putServiceMonitorBinding: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description The bound monitor
                 * @example web-1
                 */
                monitor: string;
                /**
                 * @description The service
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "monitor": "web-health",
                 *       "service": "web-1",
                 *       "weight": 1
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /**
                     * @description The monitor (from the path; read-only)
                     * @example web-1
                     */
                    monitor?: string;
                    /**
                     * @description The service (from the path; read-only)
                     * @example web-1
                     */
                    service?: string;
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    weight?: number | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "monitor": "web-health",
                     *       "service": "web-1",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The monitor (from the path; read-only)
                         * @example web-1
                         */
                        monitor?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        weight?: number | null;
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "monitor": "web-health",
                     *       "service": "web-1",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The monitor (from the path; read-only)
                         * @example web-1
                         */
                        monitor?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        weight?: number | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteServiceMonitorBinding: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description The bound monitor
                 * @example web-1
                 */
                monitor: string;
                /**
                 * @description The service
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unbound */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchServiceMonitorBinding: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description The bound monitor
                 * @example web-1
                 */
                monitor: string;
                /**
                 * @description The service
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "monitor": "web-health",
                 *       "service": "web-1",
                 *       "weight": 1
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /**
                     * @description The monitor (from the path; read-only)
                     * @example web-1
                     */
                    monitor?: string;
                    /**
                     * @description The service (from the path; read-only)
                     * @example web-1
                     */
                    service?: string;
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    weight?: number | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "monitor": "web-health",
                     *       "service": "web-1",
                     *       "weight": 1
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The monitor (from the path; read-only)
                         * @example web-1
                         */
                        monitor?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        weight?: number | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listSites: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            readonly createdAt?: string;
                            /**
                             * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                             * @default 1000
                             */
                            exchangeIntervalMs: number;
                            /**
                             * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                             * @example site-a
                             */
                            name: string;
                            /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                            peer?: {
                                /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                                url: string;
                            };
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createSite: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "exchangeIntervalMs": 1000,
                 *       "name": "site-b",
                 *       "peer": {
                 *         "url": "https://cp.site-b.example:3000"
                 *       }
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /**
                     * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                     * @default 1000
                     */
                    exchangeIntervalMs?: number;
                    /**
                     * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                     * @example site-a
                     */
                    name: string;
                    /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                    peer?: {
                        /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                        url: string;
                    };
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "exchangeIntervalMs": 1000,
                     *       "name": "site-b",
                     *       "peer": {
                     *         "url": "https://cp.site-b.example:3000"
                     *       }
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                         * @default 1000
                         */
                        exchangeIntervalMs: number;
                        /**
                         * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                         * @example site-a
                         */
                        name: string;
                        /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                        peer?: {
                            /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                            url: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSite: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "exchangeIntervalMs": 1000,
                     *       "name": "site-b",
                     *       "peer": {
                     *         "url": "https://cp.site-b.example:3000"
                     *       }
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                         * @default 1000
                         */
                        exchangeIntervalMs: number;
                        /**
                         * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                         * @example site-a
                         */
                        name: string;
                        /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                        peer?: {
                            /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                            url: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putSite: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description The whole site: omitted optional fields return to their defaults */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "exchangeIntervalMs": 1000,
                 *       "name": "site-b",
                 *       "peer": {
                 *         "url": "https://cp.site-b.example:3000"
                 *       }
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /**
                     * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                     * @default 1000
                     */
                    exchangeIntervalMs?: number;
                    /**
                     * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                     * @example site-a
                     */
                    name?: string;
                    /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                    peer?: {
                        /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                        url: string;
                    };
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "exchangeIntervalMs": 1000,
                     *       "name": "site-b",
                     *       "peer": {
                     *         "url": "https://cp.site-b.example:3000"
                     *       }
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                         * @default 1000
                         */
                        exchangeIntervalMs: number;
                        /**
                         * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                         * @example site-a
                         */
                        name: string;
                        /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                        peer?: {
                            /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                            url: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "exchangeIntervalMs": 1000,
                     *       "name": "site-b",
                     *       "peer": {
                     *         "url": "https://cp.site-b.example:3000"
                     *       }
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                         * @default 1000
                         */
                        exchangeIntervalMs: number;
                        /**
                         * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                         * @example site-a
                         */
                        name: string;
                        /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                        peer?: {
                            /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                            url: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteSite: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchSite: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description Merge: given fields replace, null resets a field to its default, omitted fields stay */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "exchangeIntervalMs": 500
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    readonly createdAt?: string;
                    exchangeIntervalMs?: number | null;
                    /**
                     * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                     * @example site-a
                     */
                    name?: string;
                    peer?: {
                        /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                        url: string;
                    } | null;
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "exchangeIntervalMs": 1000,
                     *       "name": "site-b",
                     *       "peer": {
                     *         "url": "https://cp.site-b.example:3000"
                     *       }
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description How often the site's available weight is computed (or polled from its peer) and the weights pushed to the agents
                         * @default 1000
                         */
                        exchangeIntervalMs: number;
                        /**
                         * @description Unique site name; agents join it with SPILLWAY_AGENT_SITE (or agent.site), services with their `site`
                         * @example site-a
                         */
                        name: string;
                        /** @description The site has a control plane of its own (absent: its agents are connected to this one) */
                        peer?: {
                            /** @description Base URL of the site's own control plane: its GET /v1/sites/self/availability is polled (bearer token from SPILLWAY_SITE_PEER_TOKENS) */
                            url: string;
                        };
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSiteAvailability: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "sites": {
                     *         "site-a": {
                     *           "agents": [
                     *             "10.0.1.5"
                     *           ],
                     *           "vservers": {
                     *             "web": 10
                     *           }
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": {
                        /** @description The sites whose agents are connected to this control plane (the sites of the document without a peer) */
                        sites: {
                            [key: string]: {
                                /** @description Addresses of the site's connected agents: a vserver's listener is reached there on its listen port */
                                agents: string[];
                                /** @description Per vserver with siteBalancing: the weight sum of its services of this site UP by quorum (0 while no agent of the site is connected) */
                                vservers: {
                                    [key: string]: number;
                                };
                            };
                        };
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listVServers: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /**
                             * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                             * @default 60000
                             */
                            clientTimeoutMs: number;
                            /** Format: date-time */
                            readonly createdAt?: string;
                            default?: string | null;
                            /**
                             * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                             * @default 10000
                             */
                            headersTimeoutMs: number;
                            /**
                             * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                             * @default 5000
                             */
                            keepAliveTimeoutMs: number;
                            /**
                             * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                             * @default roundrobin
                             */
                            lbMethod: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                            /**
                             * @description null: reachable only as a backup
                             * @default null
                             */
                            listen: {
                                /**
                                 * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                                 * @default 0.0.0.0
                                 * @example 0.0.0.0
                                 * @example 10.0.0.5
                                 * @example ::
                                 */
                                host: string;
                                /** @description Listen port (unique across vservers, whatever their host) */
                                port: number;
                            } | null;
                            /** @description Maintenance policy of its services (each may override it); null: the defaults */
                            maintenance?: {
                                /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                                drainTimeoutSeconds?: number;
                                /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                                migrateAfterSeconds?: number;
                                target?: string | null;
                            } | null;
                            /**
                             * @description Unique vserver name
                             * @example web-1
                             */
                            name: string;
                            /** @description Client persistence (cookie: HTTP only) */
                            persistence?: {
                                /** @default 120 */
                                timeoutSeconds: number;
                                /** @default none */
                                type: "none" | "sourceip" | "cookie";
                            };
                            protocol: "tcp" | "http";
                            /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                            rules?: {
                                /**
                                 * ContentMatch
                                 * @description What a request must match: every field given (at least one)
                                 */
                                match: {
                                    /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                                    extension?: string;
                                    /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                                    header?: {
                                        /** @description Header field name (case-insensitive) */
                                        name: string;
                                        /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                        regex?: string;
                                        /** @description The field value equals this (after trimming), case-sensitive */
                                        value?: string;
                                    };
                                    /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                                    host?: string;
                                    /** @description The request method (GET, POST, …) */
                                    method?: string;
                                    /** @description The request path (before any ?) starts with this (case-sensitive) */
                                    pathPrefix?: string;
                                    /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                    pathRegex?: string;
                                    /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                                    sourceCidr?: string;
                                };
                                /**
                                 * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                                 * @example images
                                 */
                                name?: string;
                                /**
                                 * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                                 * @example img
                                 */
                                target: string;
                            }[];
                            /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                            selection?: "local" | "manager";
                            /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                            services?: {
                                /**
                                 * @description Name of the bound service
                                 * @example web-1
                                 */
                                service: string;
                                /** @description Overrides the service's weight in this vserver */
                                weight?: number;
                            }[];
                            /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                            siteBalancing?: boolean;
                            /** Spillover */
                            spillover?: {
                                /**
                                 * @description When the whole chain is exhausted
                                 * @default accept
                                 */
                                action: "redirect" | "drop" | "accept";
                                backup?: string | null;
                                /** @default any */
                                combine: "any" | "all";
                                /**
                                 * @description Empty: never spills
                                 * @default []
                                 */
                                methods: {
                                    /** @description bandwidth only (default both) */
                                    direction?: "in" | "out" | "both";
                                    /** @description connection only: connection count */
                                    threshold?: number;
                                    /** @description bandwidth only: kbit/s */
                                    thresholdKbps?: number;
                                    /** @description health only: percent of enabled weight UP */
                                    thresholdPercent?: number;
                                    type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                                }[];
                                /**
                                 * @description A client that spilled stays on the vserver that served it this long (0: off)
                                 * @default 0
                                 */
                                persistenceTimeoutSeconds: number;
                                redirectUrl?: string | null;
                            };
                            surgeQueue?: {
                                /** @default 0 */
                                length: number;
                                /** @default 5000 */
                                timeoutMs: number;
                            };
                            /**
                             * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                             * @default 30000
                             */
                            timeoutMs: number;
                            /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                            type?: "loadbalancing" | "contentswitch";
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createVServer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "clientTimeoutMs": 60000,
                 *       "headersTimeoutMs": 10000,
                 *       "keepAliveTimeoutMs": 5000,
                 *       "lbMethod": "leastconn",
                 *       "listen": {
                 *         "host": "0.0.0.0",
                 *         "port": 8443
                 *       },
                 *       "name": "web",
                 *       "persistence": {
                 *         "timeoutSeconds": 600,
                 *         "type": "cookie"
                 *       },
                 *       "protocol": "http",
                 *       "services": [
                 *         {
                 *           "service": "web-1",
                 *           "weight": 2
                 *         },
                 *         {
                 *           "service": "web-2"
                 *         }
                 *       ],
                 *       "spillover": {
                 *         "action": "redirect",
                 *         "backup": "web-overflow",
                 *         "combine": "any",
                 *         "methods": [
                 *           {
                 *             "type": "dynamicconnection"
                 *           },
                 *           {
                 *             "direction": "both",
                 *             "thresholdKbps": 400000,
                 *             "type": "bandwidth"
                 *           }
                 *         ],
                 *         "persistenceTimeoutSeconds": 120,
                 *         "redirectUrl": "https://status.example.com/busy"
                 *       },
                 *       "surgeQueue": {
                 *         "length": 200,
                 *         "timeoutMs": 5000
                 *       },
                 *       "timeoutMs": 30000
                 *     }
                 */
                "application/json": {
                    /**
                     * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                     * @default 60000
                     */
                    clientTimeoutMs?: number;
                    /** Format: date-time */
                    readonly createdAt?: string;
                    default?: string | null;
                    /**
                     * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                     * @default 10000
                     */
                    headersTimeoutMs?: number;
                    /**
                     * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                     * @default 5000
                     */
                    keepAliveTimeoutMs?: number;
                    /**
                     * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                     * @default roundrobin
                     */
                    lbMethod?: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                    /**
                     * @description null: reachable only as a backup
                     * @default null
                     */
                    listen?: {
                        /**
                         * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                         * @default 0.0.0.0
                         * @example 0.0.0.0
                         * @example 10.0.0.5
                         * @example ::
                         */
                        host?: string;
                        /** @description Listen port (unique across vservers, whatever their host) */
                        port: number;
                    } | null;
                    /** @description Maintenance policy of its services (each may override it); null: the defaults */
                    maintenance?: {
                        /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                        drainTimeoutSeconds?: number;
                        /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                        migrateAfterSeconds?: number;
                        target?: string | null;
                    } | null;
                    /**
                     * @description Unique vserver name
                     * @example web-1
                     */
                    name: string;
                    /** @description Client persistence (cookie: HTTP only) */
                    persistence?: {
                        /** @default 120 */
                        timeoutSeconds?: number;
                        /** @default none */
                        type?: "none" | "sourceip" | "cookie";
                    };
                    protocol: "tcp" | "http";
                    /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                    rules?: {
                        /**
                         * ContentMatch
                         * @description What a request must match: every field given (at least one)
                         */
                        match: {
                            /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                            extension?: string;
                            /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                            header?: {
                                /** @description Header field name (case-insensitive) */
                                name: string;
                                /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                regex?: string;
                                /** @description The field value equals this (after trimming), case-sensitive */
                                value?: string;
                            };
                            /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                            host?: string;
                            /** @description The request method (GET, POST, …) */
                            method?: string;
                            /** @description The request path (before any ?) starts with this (case-sensitive) */
                            pathPrefix?: string;
                            /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                            pathRegex?: string;
                            /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                            sourceCidr?: string;
                        };
                        /**
                         * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                         * @example images
                         */
                        name?: string;
                        /**
                         * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                         * @example img
                         */
                        target: string;
                    }[];
                    /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                    selection?: "local" | "manager";
                    /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                    services?: {
                        /**
                         * @description Name of the bound service
                         * @example web-1
                         */
                        service: string;
                        /** @description Overrides the service's weight in this vserver */
                        weight?: number;
                    }[];
                    /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                    siteBalancing?: boolean;
                    /** Spillover */
                    spillover?: {
                        /**
                         * @description When the whole chain is exhausted
                         * @default accept
                         */
                        action?: "redirect" | "drop" | "accept";
                        backup?: string | null;
                        /** @default any */
                        combine?: "any" | "all";
                        /**
                         * @description Empty: never spills
                         * @default []
                         */
                        methods?: {
                            /** @description bandwidth only (default both) */
                            direction?: "in" | "out" | "both";
                            /** @description connection only: connection count */
                            threshold?: number;
                            /** @description bandwidth only: kbit/s */
                            thresholdKbps?: number;
                            /** @description health only: percent of enabled weight UP */
                            thresholdPercent?: number;
                            type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                        }[];
                        /**
                         * @description A client that spilled stays on the vserver that served it this long (0: off)
                         * @default 0
                         */
                        persistenceTimeoutSeconds?: number;
                        redirectUrl?: string | null;
                    };
                    surgeQueue?: {
                        /** @default 0 */
                        length?: number;
                        /** @default 5000 */
                        timeoutMs?: number;
                    };
                    /**
                     * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                     * @default 30000
                     */
                    timeoutMs?: number;
                    /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                    type?: "loadbalancing" | "contentswitch";
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "clientTimeoutMs": 60000,
                     *       "headersTimeoutMs": 10000,
                     *       "keepAliveTimeoutMs": 5000,
                     *       "lbMethod": "leastconn",
                     *       "listen": {
                     *         "host": "0.0.0.0",
                     *         "port": 8443
                     *       },
                     *       "name": "web",
                     *       "persistence": {
                     *         "timeoutSeconds": 600,
                     *         "type": "cookie"
                     *       },
                     *       "protocol": "http",
                     *       "services": [
                     *         {
                     *           "service": "web-1",
                     *           "weight": 2
                     *         },
                     *         {
                     *           "service": "web-2"
                     *         }
                     *       ],
                     *       "spillover": {
                     *         "action": "redirect",
                     *         "backup": "web-overflow",
                     *         "combine": "any",
                     *         "methods": [
                     *           {
                     *             "type": "dynamicconnection"
                     *           },
                     *           {
                     *             "direction": "both",
                     *             "thresholdKbps": 400000,
                     *             "type": "bandwidth"
                     *           }
                     *         ],
                     *         "persistenceTimeoutSeconds": 120,
                     *         "redirectUrl": "https://status.example.com/busy"
                     *       },
                     *       "surgeQueue": {
                     *         "length": 200,
                     *         "timeoutMs": 5000
                     *       },
                     *       "timeoutMs": 30000
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                         * @default 60000
                         */
                        clientTimeoutMs: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        default?: string | null;
                        /**
                         * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                         * @default 10000
                         */
                        headersTimeoutMs: number;
                        /**
                         * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                         * @default 5000
                         */
                        keepAliveTimeoutMs: number;
                        /**
                         * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                         * @default roundrobin
                         */
                        lbMethod: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                        /**
                         * @description null: reachable only as a backup
                         * @default null
                         */
                        listen: {
                            /**
                             * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                             * @default 0.0.0.0
                             * @example 0.0.0.0
                             * @example 10.0.0.5
                             * @example ::
                             */
                            host: string;
                            /** @description Listen port (unique across vservers, whatever their host) */
                            port: number;
                        } | null;
                        /** @description Maintenance policy of its services (each may override it); null: the defaults */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /**
                         * @description Unique vserver name
                         * @example web-1
                         */
                        name: string;
                        /** @description Client persistence (cookie: HTTP only) */
                        persistence?: {
                            /** @default 120 */
                            timeoutSeconds: number;
                            /** @default none */
                            type: "none" | "sourceip" | "cookie";
                        };
                        protocol: "tcp" | "http";
                        /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                        rules?: {
                            /**
                             * ContentMatch
                             * @description What a request must match: every field given (at least one)
                             */
                            match: {
                                /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                                extension?: string;
                                /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                                header?: {
                                    /** @description Header field name (case-insensitive) */
                                    name: string;
                                    /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                    regex?: string;
                                    /** @description The field value equals this (after trimming), case-sensitive */
                                    value?: string;
                                };
                                /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                                host?: string;
                                /** @description The request method (GET, POST, …) */
                                method?: string;
                                /** @description The request path (before any ?) starts with this (case-sensitive) */
                                pathPrefix?: string;
                                /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                pathRegex?: string;
                                /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                                sourceCidr?: string;
                            };
                            /**
                             * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                             * @example images
                             */
                            name?: string;
                            /**
                             * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                             * @example img
                             */
                            target: string;
                        }[];
                        /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                        selection?: "local" | "manager";
                        /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        services?: {
                            /**
                             * @description Name of the bound service
                             * @example web-1
                             */
                            service: string;
                            /** @description Overrides the service's weight in this vserver */
                            weight?: number;
                        }[];
                        /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                        siteBalancing?: boolean;
                        /** Spillover */
                        spillover?: {
                            /**
                             * @description When the whole chain is exhausted
                             * @default accept
                             */
                            action: "redirect" | "drop" | "accept";
                            backup?: string | null;
                            /** @default any */
                            combine: "any" | "all";
                            /**
                             * @description Empty: never spills
                             * @default []
                             */
                            methods: {
                                /** @description bandwidth only (default both) */
                                direction?: "in" | "out" | "both";
                                /** @description connection only: connection count */
                                threshold?: number;
                                /** @description bandwidth only: kbit/s */
                                thresholdKbps?: number;
                                /** @description health only: percent of enabled weight UP */
                                thresholdPercent?: number;
                                type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                            }[];
                            /**
                             * @description A client that spilled stays on the vserver that served it this long (0: off)
                             * @default 0
                             */
                            persistenceTimeoutSeconds: number;
                            redirectUrl?: string | null;
                        };
                        surgeQueue?: {
                            /** @default 0 */
                            length: number;
                            /** @default 5000 */
                            timeoutMs: number;
                        };
                        /**
                         * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                         * @default 30000
                         */
                        timeoutMs: number;
                        /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                        type?: "loadbalancing" | "contentswitch";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getVServer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "clientTimeoutMs": 60000,
                     *       "headersTimeoutMs": 10000,
                     *       "keepAliveTimeoutMs": 5000,
                     *       "lbMethod": "leastconn",
                     *       "listen": {
                     *         "host": "0.0.0.0",
                     *         "port": 8443
                     *       },
                     *       "name": "web",
                     *       "persistence": {
                     *         "timeoutSeconds": 600,
                     *         "type": "cookie"
                     *       },
                     *       "protocol": "http",
                     *       "services": [
                     *         {
                     *           "service": "web-1",
                     *           "weight": 2
                     *         },
                     *         {
                     *           "service": "web-2"
                     *         }
                     *       ],
                     *       "spillover": {
                     *         "action": "redirect",
                     *         "backup": "web-overflow",
                     *         "combine": "any",
                     *         "methods": [
                     *           {
                     *             "type": "dynamicconnection"
                     *           },
                     *           {
                     *             "direction": "both",
                     *             "thresholdKbps": 400000,
                     *             "type": "bandwidth"
                     *           }
                     *         ],
                     *         "persistenceTimeoutSeconds": 120,
                     *         "redirectUrl": "https://status.example.com/busy"
                     *       },
                     *       "surgeQueue": {
                     *         "length": 200,
                     *         "timeoutMs": 5000
                     *       },
                     *       "timeoutMs": 30000
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                         * @default 60000
                         */
                        clientTimeoutMs: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        default?: string | null;
                        /**
                         * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                         * @default 10000
                         */
                        headersTimeoutMs: number;
                        /**
                         * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                         * @default 5000
                         */
                        keepAliveTimeoutMs: number;
                        /**
                         * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                         * @default roundrobin
                         */
                        lbMethod: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                        /**
                         * @description null: reachable only as a backup
                         * @default null
                         */
                        listen: {
                            /**
                             * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                             * @default 0.0.0.0
                             * @example 0.0.0.0
                             * @example 10.0.0.5
                             * @example ::
                             */
                            host: string;
                            /** @description Listen port (unique across vservers, whatever their host) */
                            port: number;
                        } | null;
                        /** @description Maintenance policy of its services (each may override it); null: the defaults */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /**
                         * @description Unique vserver name
                         * @example web-1
                         */
                        name: string;
                        /** @description Client persistence (cookie: HTTP only) */
                        persistence?: {
                            /** @default 120 */
                            timeoutSeconds: number;
                            /** @default none */
                            type: "none" | "sourceip" | "cookie";
                        };
                        protocol: "tcp" | "http";
                        /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                        rules?: {
                            /**
                             * ContentMatch
                             * @description What a request must match: every field given (at least one)
                             */
                            match: {
                                /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                                extension?: string;
                                /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                                header?: {
                                    /** @description Header field name (case-insensitive) */
                                    name: string;
                                    /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                    regex?: string;
                                    /** @description The field value equals this (after trimming), case-sensitive */
                                    value?: string;
                                };
                                /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                                host?: string;
                                /** @description The request method (GET, POST, …) */
                                method?: string;
                                /** @description The request path (before any ?) starts with this (case-sensitive) */
                                pathPrefix?: string;
                                /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                pathRegex?: string;
                                /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                                sourceCidr?: string;
                            };
                            /**
                             * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                             * @example images
                             */
                            name?: string;
                            /**
                             * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                             * @example img
                             */
                            target: string;
                        }[];
                        /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                        selection?: "local" | "manager";
                        /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        services?: {
                            /**
                             * @description Name of the bound service
                             * @example web-1
                             */
                            service: string;
                            /** @description Overrides the service's weight in this vserver */
                            weight?: number;
                        }[];
                        /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                        siteBalancing?: boolean;
                        /** Spillover */
                        spillover?: {
                            /**
                             * @description When the whole chain is exhausted
                             * @default accept
                             */
                            action: "redirect" | "drop" | "accept";
                            backup?: string | null;
                            /** @default any */
                            combine: "any" | "all";
                            /**
                             * @description Empty: never spills
                             * @default []
                             */
                            methods: {
                                /** @description bandwidth only (default both) */
                                direction?: "in" | "out" | "both";
                                /** @description connection only: connection count */
                                threshold?: number;
                                /** @description bandwidth only: kbit/s */
                                thresholdKbps?: number;
                                /** @description health only: percent of enabled weight UP */
                                thresholdPercent?: number;
                                type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                            }[];
                            /**
                             * @description A client that spilled stays on the vserver that served it this long (0: off)
                             * @default 0
                             */
                            persistenceTimeoutSeconds: number;
                            redirectUrl?: string | null;
                        };
                        surgeQueue?: {
                            /** @default 0 */
                            length: number;
                            /** @default 5000 */
                            timeoutMs: number;
                        };
                        /**
                         * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                         * @default 30000
                         */
                        timeoutMs: number;
                        /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                        type?: "loadbalancing" | "contentswitch";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putVServer: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description The whole vserver: omitted optional fields return to their defaults */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "clientTimeoutMs": 60000,
                 *       "headersTimeoutMs": 10000,
                 *       "keepAliveTimeoutMs": 5000,
                 *       "lbMethod": "leastconn",
                 *       "listen": {
                 *         "host": "0.0.0.0",
                 *         "port": 8443
                 *       },
                 *       "name": "web",
                 *       "persistence": {
                 *         "timeoutSeconds": 600,
                 *         "type": "cookie"
                 *       },
                 *       "protocol": "http",
                 *       "services": [
                 *         {
                 *           "service": "web-1",
                 *           "weight": 2
                 *         },
                 *         {
                 *           "service": "web-2"
                 *         }
                 *       ],
                 *       "spillover": {
                 *         "action": "redirect",
                 *         "backup": "web-overflow",
                 *         "combine": "any",
                 *         "methods": [
                 *           {
                 *             "type": "dynamicconnection"
                 *           },
                 *           {
                 *             "direction": "both",
                 *             "thresholdKbps": 400000,
                 *             "type": "bandwidth"
                 *           }
                 *         ],
                 *         "persistenceTimeoutSeconds": 120,
                 *         "redirectUrl": "https://status.example.com/busy"
                 *       },
                 *       "surgeQueue": {
                 *         "length": 200,
                 *         "timeoutMs": 5000
                 *       },
                 *       "timeoutMs": 30000
                 *     }
                 */
                "application/json": {
                    /**
                     * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                     * @default 60000
                     */
                    clientTimeoutMs?: number;
                    /** Format: date-time */
                    readonly createdAt?: string;
                    default?: string | null;
                    /**
                     * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                     * @default 10000
                     */
                    headersTimeoutMs?: number;
                    /**
                     * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                     * @default 5000
                     */
                    keepAliveTimeoutMs?: number;
                    /**
                     * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                     * @default roundrobin
                     */
                    lbMethod?: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                    /**
                     * @description null: reachable only as a backup
                     * @default null
                     */
                    listen?: {
                        /**
                         * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                         * @default 0.0.0.0
                         * @example 0.0.0.0
                         * @example 10.0.0.5
                         * @example ::
                         */
                        host?: string;
                        /** @description Listen port (unique across vservers, whatever their host) */
                        port: number;
                    } | null;
                    /** @description Maintenance policy of its services (each may override it); null: the defaults */
                    maintenance?: {
                        /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                        drainTimeoutSeconds?: number;
                        /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                        migrateAfterSeconds?: number;
                        target?: string | null;
                    } | null;
                    /**
                     * @description Unique vserver name
                     * @example web-1
                     */
                    name?: string;
                    /** @description Client persistence (cookie: HTTP only) */
                    persistence?: {
                        /** @default 120 */
                        timeoutSeconds?: number;
                        /** @default none */
                        type?: "none" | "sourceip" | "cookie";
                    };
                    protocol: "tcp" | "http";
                    /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                    rules?: {
                        /**
                         * ContentMatch
                         * @description What a request must match: every field given (at least one)
                         */
                        match: {
                            /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                            extension?: string;
                            /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                            header?: {
                                /** @description Header field name (case-insensitive) */
                                name: string;
                                /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                regex?: string;
                                /** @description The field value equals this (after trimming), case-sensitive */
                                value?: string;
                            };
                            /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                            host?: string;
                            /** @description The request method (GET, POST, …) */
                            method?: string;
                            /** @description The request path (before any ?) starts with this (case-sensitive) */
                            pathPrefix?: string;
                            /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                            pathRegex?: string;
                            /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                            sourceCidr?: string;
                        };
                        /**
                         * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                         * @example images
                         */
                        name?: string;
                        /**
                         * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                         * @example img
                         */
                        target: string;
                    }[];
                    /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                    selection?: "local" | "manager";
                    /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                    services?: {
                        /**
                         * @description Name of the bound service
                         * @example web-1
                         */
                        service: string;
                        /** @description Overrides the service's weight in this vserver */
                        weight?: number;
                    }[];
                    /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                    siteBalancing?: boolean;
                    /** Spillover */
                    spillover?: {
                        /**
                         * @description When the whole chain is exhausted
                         * @default accept
                         */
                        action?: "redirect" | "drop" | "accept";
                        backup?: string | null;
                        /** @default any */
                        combine?: "any" | "all";
                        /**
                         * @description Empty: never spills
                         * @default []
                         */
                        methods?: {
                            /** @description bandwidth only (default both) */
                            direction?: "in" | "out" | "both";
                            /** @description connection only: connection count */
                            threshold?: number;
                            /** @description bandwidth only: kbit/s */
                            thresholdKbps?: number;
                            /** @description health only: percent of enabled weight UP */
                            thresholdPercent?: number;
                            type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                        }[];
                        /**
                         * @description A client that spilled stays on the vserver that served it this long (0: off)
                         * @default 0
                         */
                        persistenceTimeoutSeconds?: number;
                        redirectUrl?: string | null;
                    };
                    surgeQueue?: {
                        /** @default 0 */
                        length?: number;
                        /** @default 5000 */
                        timeoutMs?: number;
                    };
                    /**
                     * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                     * @default 30000
                     */
                    timeoutMs?: number;
                    /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                    type?: "loadbalancing" | "contentswitch";
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "clientTimeoutMs": 60000,
                     *       "headersTimeoutMs": 10000,
                     *       "keepAliveTimeoutMs": 5000,
                     *       "lbMethod": "leastconn",
                     *       "listen": {
                     *         "host": "0.0.0.0",
                     *         "port": 8443
                     *       },
                     *       "name": "web",
                     *       "persistence": {
                     *         "timeoutSeconds": 600,
                     *         "type": "cookie"
                     *       },
                     *       "protocol": "http",
                     *       "services": [
                     *         {
                     *           "service": "web-1",
                     *           "weight": 2
                     *         },
                     *         {
                     *           "service": "web-2"
                     *         }
                     *       ],
                     *       "spillover": {
                     *         "action": "redirect",
                     *         "backup": "web-overflow",
                     *         "combine": "any",
                     *         "methods": [
                     *           {
                     *             "type": "dynamicconnection"
                     *           },
                     *           {
                     *             "direction": "both",
                     *             "thresholdKbps": 400000,
                     *             "type": "bandwidth"
                     *           }
                     *         ],
                     *         "persistenceTimeoutSeconds": 120,
                     *         "redirectUrl": "https://status.example.com/busy"
                     *       },
                     *       "surgeQueue": {
                     *         "length": 200,
                     *         "timeoutMs": 5000
                     *       },
                     *       "timeoutMs": 30000
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                         * @default 60000
                         */
                        clientTimeoutMs: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        default?: string | null;
                        /**
                         * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                         * @default 10000
                         */
                        headersTimeoutMs: number;
                        /**
                         * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                         * @default 5000
                         */
                        keepAliveTimeoutMs: number;
                        /**
                         * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                         * @default roundrobin
                         */
                        lbMethod: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                        /**
                         * @description null: reachable only as a backup
                         * @default null
                         */
                        listen: {
                            /**
                             * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                             * @default 0.0.0.0
                             * @example 0.0.0.0
                             * @example 10.0.0.5
                             * @example ::
                             */
                            host: string;
                            /** @description Listen port (unique across vservers, whatever their host) */
                            port: number;
                        } | null;
                        /** @description Maintenance policy of its services (each may override it); null: the defaults */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /**
                         * @description Unique vserver name
                         * @example web-1
                         */
                        name: string;
                        /** @description Client persistence (cookie: HTTP only) */
                        persistence?: {
                            /** @default 120 */
                            timeoutSeconds: number;
                            /** @default none */
                            type: "none" | "sourceip" | "cookie";
                        };
                        protocol: "tcp" | "http";
                        /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                        rules?: {
                            /**
                             * ContentMatch
                             * @description What a request must match: every field given (at least one)
                             */
                            match: {
                                /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                                extension?: string;
                                /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                                header?: {
                                    /** @description Header field name (case-insensitive) */
                                    name: string;
                                    /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                    regex?: string;
                                    /** @description The field value equals this (after trimming), case-sensitive */
                                    value?: string;
                                };
                                /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                                host?: string;
                                /** @description The request method (GET, POST, …) */
                                method?: string;
                                /** @description The request path (before any ?) starts with this (case-sensitive) */
                                pathPrefix?: string;
                                /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                pathRegex?: string;
                                /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                                sourceCidr?: string;
                            };
                            /**
                             * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                             * @example images
                             */
                            name?: string;
                            /**
                             * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                             * @example img
                             */
                            target: string;
                        }[];
                        /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                        selection?: "local" | "manager";
                        /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        services?: {
                            /**
                             * @description Name of the bound service
                             * @example web-1
                             */
                            service: string;
                            /** @description Overrides the service's weight in this vserver */
                            weight?: number;
                        }[];
                        /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                        siteBalancing?: boolean;
                        /** Spillover */
                        spillover?: {
                            /**
                             * @description When the whole chain is exhausted
                             * @default accept
                             */
                            action: "redirect" | "drop" | "accept";
                            backup?: string | null;
                            /** @default any */
                            combine: "any" | "all";
                            /**
                             * @description Empty: never spills
                             * @default []
                             */
                            methods: {
                                /** @description bandwidth only (default both) */
                                direction?: "in" | "out" | "both";
                                /** @description connection only: connection count */
                                threshold?: number;
                                /** @description bandwidth only: kbit/s */
                                thresholdKbps?: number;
                                /** @description health only: percent of enabled weight UP */
                                thresholdPercent?: number;
                                type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                            }[];
                            /**
                             * @description A client that spilled stays on the vserver that served it this long (0: off)
                             * @default 0
                             */
                            persistenceTimeoutSeconds: number;
                            redirectUrl?: string | null;
                        };
                        surgeQueue?: {
                            /** @default 0 */
                            length: number;
                            /** @default 5000 */
                            timeoutMs: number;
                        };
                        /**
                         * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                         * @default 30000
                         */
                        timeoutMs: number;
                        /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                        type?: "loadbalancing" | "contentswitch";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "clientTimeoutMs": 60000,
                     *       "headersTimeoutMs": 10000,
                     *       "keepAliveTimeoutMs": 5000,
                     *       "lbMethod": "leastconn",
                     *       "listen": {
                     *         "host": "0.0.0.0",
                     *         "port": 8443
                     *       },
                     *       "name": "web",
                     *       "persistence": {
                     *         "timeoutSeconds": 600,
                     *         "type": "cookie"
                     *       },
                     *       "protocol": "http",
                     *       "services": [
                     *         {
                     *           "service": "web-1",
                     *           "weight": 2
                     *         },
                     *         {
                     *           "service": "web-2"
                     *         }
                     *       ],
                     *       "spillover": {
                     *         "action": "redirect",
                     *         "backup": "web-overflow",
                     *         "combine": "any",
                     *         "methods": [
                     *           {
                     *             "type": "dynamicconnection"
                     *           },
                     *           {
                     *             "direction": "both",
                     *             "thresholdKbps": 400000,
                     *             "type": "bandwidth"
                     *           }
                     *         ],
                     *         "persistenceTimeoutSeconds": 120,
                     *         "redirectUrl": "https://status.example.com/busy"
                     *       },
                     *       "surgeQueue": {
                     *         "length": 200,
                     *         "timeoutMs": 5000
                     *       },
                     *       "timeoutMs": 30000
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                         * @default 60000
                         */
                        clientTimeoutMs: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        default?: string | null;
                        /**
                         * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                         * @default 10000
                         */
                        headersTimeoutMs: number;
                        /**
                         * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                         * @default 5000
                         */
                        keepAliveTimeoutMs: number;
                        /**
                         * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                         * @default roundrobin
                         */
                        lbMethod: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                        /**
                         * @description null: reachable only as a backup
                         * @default null
                         */
                        listen: {
                            /**
                             * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                             * @default 0.0.0.0
                             * @example 0.0.0.0
                             * @example 10.0.0.5
                             * @example ::
                             */
                            host: string;
                            /** @description Listen port (unique across vservers, whatever their host) */
                            port: number;
                        } | null;
                        /** @description Maintenance policy of its services (each may override it); null: the defaults */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /**
                         * @description Unique vserver name
                         * @example web-1
                         */
                        name: string;
                        /** @description Client persistence (cookie: HTTP only) */
                        persistence?: {
                            /** @default 120 */
                            timeoutSeconds: number;
                            /** @default none */
                            type: "none" | "sourceip" | "cookie";
                        };
                        protocol: "tcp" | "http";
                        /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                        rules?: {
                            /**
                             * ContentMatch
                             * @description What a request must match: every field given (at least one)
                             */
                            match: {
                                /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                                extension?: string;
                                /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                                header?: {
                                    /** @description Header field name (case-insensitive) */
                                    name: string;
                                    /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                    regex?: string;
                                    /** @description The field value equals this (after trimming), case-sensitive */
                                    value?: string;
                                };
                                /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                                host?: string;
                                /** @description The request method (GET, POST, …) */
                                method?: string;
                                /** @description The request path (before any ?) starts with this (case-sensitive) */
                                pathPrefix?: string;
                                /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                pathRegex?: string;
                                /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                                sourceCidr?: string;
                            };
                            /**
                             * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                             * @example images
                             */
                            name?: string;
                            /**
                             * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                             * @example img
                             */
                            target: string;
                        }[];
                        /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                        selection?: "local" | "manager";
                        /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        services?: {
                            /**
                             * @description Name of the bound service
                             * @example web-1
                             */
                            service: string;
                            /** @description Overrides the service's weight in this vserver */
                            weight?: number;
                        }[];
                        /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                        siteBalancing?: boolean;
                        /** Spillover */
                        spillover?: {
                            /**
                             * @description When the whole chain is exhausted
                             * @default accept
                             */
                            action: "redirect" | "drop" | "accept";
                            backup?: string | null;
                            /** @default any */
                            combine: "any" | "all";
                            /**
                             * @description Empty: never spills
                             * @default []
                             */
                            methods: {
                                /** @description bandwidth only (default both) */
                                direction?: "in" | "out" | "both";
                                /** @description connection only: connection count */
                                threshold?: number;
                                /** @description bandwidth only: kbit/s */
                                thresholdKbps?: number;
                                /** @description health only: percent of enabled weight UP */
                                thresholdPercent?: number;
                                type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                            }[];
                            /**
                             * @description A client that spilled stays on the vserver that served it this long (0: off)
                             * @default 0
                             */
                            persistenceTimeoutSeconds: number;
                            redirectUrl?: string | null;
                        };
                        surgeQueue?: {
                            /** @default 0 */
                            length: number;
                            /** @default 5000 */
                            timeoutMs: number;
                        };
                        /**
                         * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                         * @default 30000
                         */
                        timeoutMs: number;
                        /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                        type?: "loadbalancing" | "contentswitch";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteVServer: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchVServer: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description Merge: given fields replace (nested objects are merged), null resets a field to its default, omitted fields stay */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "lbMethod": "leastconn",
                 *       "spillover": {
                 *         "backup": null
                 *       }
                 *     }
                 */
                "application/json": {
                    clientTimeoutMs?: number | null;
                    /** Format: date-time */
                    readonly createdAt?: string;
                    default?: (string | null) | null;
                    headersTimeoutMs?: number | null;
                    keepAliveTimeoutMs?: number | null;
                    lbMethod?: ("roundrobin" | "leastconn" | "weighted" | "availablecapacity") | null;
                    listen?: ({
                        /**
                         * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                         * @default 0.0.0.0
                         * @example 0.0.0.0
                         * @example 10.0.0.5
                         * @example ::
                         */
                        host?: string;
                        /** @description Listen port (unique across vservers, whatever their host) */
                        port: number;
                    } | null) | null;
                    maintenance?: ({
                        /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                        drainTimeoutSeconds?: number;
                        /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                        migrateAfterSeconds?: number;
                        target?: string | null;
                    } | null) | null;
                    /**
                     * @description Unique vserver name
                     * @example web-1
                     */
                    name?: string;
                    persistence?: {
                        /** @default 120 */
                        timeoutSeconds?: number;
                        /** @default none */
                        type?: "none" | "sourceip" | "cookie";
                    } | null;
                    protocol?: "tcp" | "http";
                    rules?: {
                        /**
                         * ContentMatch
                         * @description What a request must match: every field given (at least one)
                         */
                        match: {
                            /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                            extension?: string;
                            /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                            header?: {
                                /** @description Header field name (case-insensitive) */
                                name: string;
                                /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                regex?: string;
                                /** @description The field value equals this (after trimming), case-sensitive */
                                value?: string;
                            };
                            /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                            host?: string;
                            /** @description The request method (GET, POST, …) */
                            method?: string;
                            /** @description The request path (before any ?) starts with this (case-sensitive) */
                            pathPrefix?: string;
                            /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                            pathRegex?: string;
                            /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                            sourceCidr?: string;
                        };
                        /**
                         * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                         * @example images
                         */
                        name?: string;
                        /**
                         * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                         * @example img
                         */
                        target: string;
                    }[] | null;
                    selection?: ("local" | "manager") | null;
                    services?: {
                        /**
                         * @description Name of the bound service
                         * @example web-1
                         */
                        service: string;
                        /** @description Overrides the service's weight in this vserver */
                        weight?: number;
                    }[] | null;
                    siteBalancing?: boolean | null;
                    spillover?: {
                        /**
                         * @description When the whole chain is exhausted
                         * @default accept
                         */
                        action?: "redirect" | "drop" | "accept";
                        backup?: string | null;
                        /** @default any */
                        combine?: "any" | "all";
                        /**
                         * @description Empty: never spills
                         * @default []
                         */
                        methods?: {
                            /** @description bandwidth only (default both) */
                            direction?: "in" | "out" | "both";
                            /** @description connection only: connection count */
                            threshold?: number;
                            /** @description bandwidth only: kbit/s */
                            thresholdKbps?: number;
                            /** @description health only: percent of enabled weight UP */
                            thresholdPercent?: number;
                            type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                        }[];
                        /**
                         * @description A client that spilled stays on the vserver that served it this long (0: off)
                         * @default 0
                         */
                        persistenceTimeoutSeconds?: number;
                        redirectUrl?: string | null;
                    } | null;
                    surgeQueue?: {
                        /** @default 0 */
                        length?: number;
                        /** @default 5000 */
                        timeoutMs?: number;
                    } | null;
                    timeoutMs?: number | null;
                    type?: ("loadbalancing" | "contentswitch") | null;
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "clientTimeoutMs": 60000,
                     *       "headersTimeoutMs": 10000,
                     *       "keepAliveTimeoutMs": 5000,
                     *       "lbMethod": "leastconn",
                     *       "listen": {
                     *         "host": "0.0.0.0",
                     *         "port": 8443
                     *       },
                     *       "name": "web",
                     *       "persistence": {
                     *         "timeoutSeconds": 600,
                     *         "type": "cookie"
                     *       },
                     *       "protocol": "http",
                     *       "services": [
                     *         {
                     *           "service": "web-1",
                     *           "weight": 2
                     *         },
                     *         {
                     *           "service": "web-2"
                     *         }
                     *       ],
                     *       "spillover": {
                     *         "action": "redirect",
                     *         "backup": "web-overflow",
                     *         "combine": "any",
                     *         "methods": [
                     *           {
                     *             "type": "dynamicconnection"
                     *           },
                     *           {
                     *             "direction": "both",
                     *             "thresholdKbps": 400000,
                     *             "type": "bandwidth"
                     *           }
                     *         ],
                     *         "persistenceTimeoutSeconds": 120,
                     *         "redirectUrl": "https://status.example.com/busy"
                     *       },
                     *       "surgeQueue": {
                     *         "length": 200,
                     *         "timeoutMs": 5000
                     *       },
                     *       "timeoutMs": 30000
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description A client connection is closed after this long (HAProxy `timeout client`): on a TCP vserver with no byte either way; on an HTTP vserver when the client takes none of its answer (the service is held back for it). An HTTP vserver also has headersTimeoutMs and keepAliveTimeoutMs
                         * @default 60000
                         */
                        clientTimeoutMs: number;
                        /** Format: date-time */
                        readonly createdAt?: string;
                        default?: string | null;
                        /**
                         * @description HTTP vservers: time a client has to send a complete request head, counted from accept for a connection's first request; 408 and the connection closed past it (HAProxy `timeout http-request`). Ignored by TCP vservers
                         * @default 10000
                         */
                        headersTimeoutMs: number;
                        /**
                         * @description HTTP vservers: an idle keep-alive client connection is closed after this long (HAProxy `timeout http-keep-alive`). Ignored by TCP vservers
                         * @default 5000
                         */
                        keepAliveTimeoutMs: number;
                        /**
                         * @description availablecapacity: each service weighted by its room, its (effective) capacity minus its active connections across all agents (a service without capacity has none).
                         * @default roundrobin
                         */
                        lbMethod: "roundrobin" | "leastconn" | "weighted" | "availablecapacity";
                        /**
                         * @description null: reachable only as a backup
                         * @default null
                         */
                        listen: {
                            /**
                             * @description Address the agents bind: an IPv4 or IPv6 address (0.0.0.0 or :: for every address; 422 otherwise). An agent started with SPILLWAY_AGENT_LISTEN_HOST binds that address instead.
                             * @default 0.0.0.0
                             * @example 0.0.0.0
                             * @example 10.0.0.5
                             * @example ::
                             */
                            host: string;
                            /** @description Listen port (unique across vservers, whatever their host) */
                            port: number;
                        } | null;
                        /** @description Maintenance policy of its services (each may override it); null: the defaults */
                        maintenance?: {
                            /** @description A draining connection (or one whose migration failed) is closed this long after the service entered maintenance, counted (default 300) */
                            drainTimeoutSeconds?: number;
                            /** @description When the service enters maintenance, its connections at least this old migrate (when it has a migration endpoint); younger ones drain (default 30) */
                            migrateAfterSeconds?: number;
                            target?: string | null;
                        } | null;
                        /**
                         * @description Unique vserver name
                         * @example web-1
                         */
                        name: string;
                        /** @description Client persistence (cookie: HTTP only) */
                        persistence?: {
                            /** @default 120 */
                            timeoutSeconds: number;
                            /** @default none */
                            type: "none" | "sourceip" | "cookie";
                        };
                        protocol: "tcp" | "http";
                        /** @description contentswitch only: rules in order, the first match wins; compiled once per configuration version by the agent (one pass a request) */
                        rules?: {
                            /**
                             * ContentMatch
                             * @description What a request must match: every field given (at least one)
                             */
                            match: {
                                /** @description File extension of the last path segment, without the dot, case-insensitive: jpg matches /img/a.JPG */
                                extension?: string;
                                /** @description A request header: present with this value, or one the regex matches (one of them); several fields of the name: any of them */
                                header?: {
                                    /** @description Header field name (case-insensitive) */
                                    name: string;
                                    /** @description Matched against the field value: RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                    regex?: string;
                                    /** @description The field value equals this (after trimming), case-sensitive */
                                    value?: string;
                                };
                                /** @description The Host header (or absolute-form host) without its port, case-insensitive; a leading *. matches any subdomain (not the domain itself) */
                                host?: string;
                                /** @description The request method (GET, POST, …) */
                                method?: string;
                                /** @description The request path (before any ?) starts with this (case-sensitive) */
                                pathPrefix?: string;
                                /** @description Matched against the request path (before any ?): RE2 syntax (no backreferences, no lookaround), unanchored unless it says ^ or $; a repeated group holding a quantifier (as in (a+)+) is refused (422); matched in time linear in the text */
                                pathRegex?: string;
                                /** @description The client address is in this CIDR (10.0.0.0/8, 2001:db8::/32; an address alone: that address) */
                                sourceCidr?: string;
                            };
                            /**
                             * @description Rule name, unique in its switch: its hits are counted under it (else under #position, from 0)
                             * @example images
                             */
                            name?: string;
                            /**
                             * @description The vserver matching requests go to: an http vserver with its own limits and backup chain, or another contentswitch (no cycle)
                             * @example img
                             */
                            target: string;
                        }[];
                        /** @description Default local (DEFAULTS.vserver.selection; no schema default, so a document spells it out only when manager). Who picks the service of a client with no persistence entry. local: the agent that took the connection. manager: the control plane's service manager, with the view across agents (UP by quorum, active connections, capacity, weights, lbMethod), answering an instruction (client → service, for persistence.timeoutSeconds) that every agent caches and the control plane keeps; the agent selects locally when the manager does not answer within its selectionBudgetMs. */
                        selection?: "local" | "manager";
                        /** @description Service bindings. On PUT/PATCH of a vserver, an omitted list leaves the bindings as they are (they are also resources of their own); a given list replaces them. */
                        services?: {
                            /**
                             * @description Name of the bound service
                             * @example web-1
                             */
                            service: string;
                            /** @description Overrides the service's weight in this vserver */
                            weight?: number;
                        }[];
                        /** @description Sites (default false: DEFAULTS.vserver.siteBalancing; no schema default, so an export spells it out only when true): an agent of a site forwards the share of new connections that the sites' available weight gives to the other sites, to their agents' listener of this vserver (weighted round robin; never to a site with nothing available; a forwarded connection is never forwarded again). Spelled out only when true (docs/SITES.md) */
                        siteBalancing?: boolean;
                        /** Spillover */
                        spillover?: {
                            /**
                             * @description When the whole chain is exhausted
                             * @default accept
                             */
                            action: "redirect" | "drop" | "accept";
                            backup?: string | null;
                            /** @default any */
                            combine: "any" | "all";
                            /**
                             * @description Empty: never spills
                             * @default []
                             */
                            methods: {
                                /** @description bandwidth only (default both) */
                                direction?: "in" | "out" | "both";
                                /** @description connection only: connection count */
                                threshold?: number;
                                /** @description bandwidth only: kbit/s */
                                thresholdKbps?: number;
                                /** @description health only: percent of enabled weight UP */
                                thresholdPercent?: number;
                                type: "connection" | "dynamicconnection" | "bandwidth" | "health";
                            }[];
                            /**
                             * @description A client that spilled stays on the vserver that served it this long (0: off)
                             * @default 0
                             */
                            persistenceTimeoutSeconds: number;
                            redirectUrl?: string | null;
                        };
                        surgeQueue?: {
                            /** @default 0 */
                            length: number;
                            /** @default 5000 */
                            timeoutMs: number;
                        };
                        /**
                         * @description Upstream timeout. HTTP: 504 when a service sends no response headers, or no body progress, for this long (connecting takes at most 5 s of it). TCP: connecting to a service gives up after this long
                         * @default 30000
                         */
                        timeoutMs: number;
                        /** @description Default loadbalancing (DEFAULTS.vserver.type; no schema default, so a document spells it out only for a switch). loadbalancing: serves with its services, limits and backup chain. contentswitch (http): sends each request to the vserver its first matching rule names (else default), where that vserver admits it as its own: its limits, methods, backup chain, final action and persistence */
                        type?: "loadbalancing" | "contentswitch";
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listVserverServiceBindings: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor */
                cursor?: string;
                /** @description Page size */
                limit?: number;
                /** @description Only names starting with this prefix */
                prefix?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The vserver
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            readonly createdAt?: string;
                            /**
                             * @description The service (from the path; read-only)
                             * @example web-1
                             */
                            service?: string;
                            /** Format: date-time */
                            readonly updatedAt?: string;
                            /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                            readonly version?: number;
                            /**
                             * @description The vserver (from the path; read-only)
                             * @example web-1
                             */
                            vserver?: string;
                            weight?: number | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createVserverServiceBinding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The vserver
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "service": "web-1",
                 *       "weight": 2
                 *     }
                 */
                "application/json": {
                    /**
                     * @description The service to bind
                     * @example web-1
                     */
                    service: string;
                    weight?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "service": "web-1",
                     *       "vserver": "web",
                     *       "weight": 2
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description The vserver (from the path; read-only)
                         * @example web-1
                         */
                        vserver?: string;
                        weight?: number | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getVserverServiceBinding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The vserver
                 * @example web-1
                 */
                name: string;
                /**
                 * @description The bound service
                 * @example web-1
                 */
                service: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "service": "web-1",
                     *       "vserver": "web",
                     *       "weight": 2
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description The vserver (from the path; read-only)
                         * @example web-1
                         */
                        vserver?: string;
                        weight?: number | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putVserverServiceBinding: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description The vserver
                 * @example web-1
                 */
                name: string;
                /**
                 * @description The bound service
                 * @example web-1
                 */
                service: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "service": "web-1",
                 *       "vserver": "web",
                 *       "weight": 2
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /**
                     * @description The service (from the path; read-only)
                     * @example web-1
                     */
                    service?: string;
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    /**
                     * @description The vserver (from the path; read-only)
                     * @example web-1
                     */
                    vserver?: string;
                    weight?: number | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "service": "web-1",
                     *       "vserver": "web",
                     *       "weight": 2
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description The vserver (from the path; read-only)
                         * @example web-1
                         */
                        vserver?: string;
                        weight?: number | null;
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "service": "web-1",
                     *       "vserver": "web",
                     *       "weight": 2
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description The vserver (from the path; read-only)
                         * @example web-1
                         */
                        vserver?: string;
                        weight?: number | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteVserverServiceBinding: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description The vserver
                 * @example web-1
                 */
                name: string;
                /**
                 * @description The bound service
                 * @example web-1
                 */
                service: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unbound */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchVserverServiceBinding: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version this write is based on; 412 when stale. `*` matches any existing object. */
                "if-match"?: string;
            };
            path: {
                /**
                 * @description The vserver
                 * @example web-1
                 */
                name: string;
                /**
                 * @description The bound service
                 * @example web-1
                 */
                service: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "service": "web-1",
                 *       "vserver": "web",
                 *       "weight": 2
                 *     }
                 */
                "application/json": {
                    /** Format: date-time */
                    readonly createdAt?: string;
                    /**
                     * @description The service (from the path; read-only)
                     * @example web-1
                     */
                    service?: string;
                    /** Format: date-time */
                    readonly updatedAt?: string;
                    /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                    readonly version?: number;
                    /**
                     * @description The vserver (from the path; read-only)
                     * @example web-1
                     */
                    vserver?: string;
                    weight?: number | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "service": "web-1",
                     *       "vserver": "web",
                     *       "weight": 2
                     *     }
                     */
                    "application/json": {
                        /** Format: date-time */
                        readonly createdAt?: string;
                        /**
                         * @description The service (from the path; read-only)
                         * @example web-1
                         */
                        service?: string;
                        /** Format: date-time */
                        readonly updatedAt?: string;
                        /** @description Optimistic-concurrency version; read-only, ignored on writes (use If-Match) */
                        readonly version?: number;
                        /**
                         * @description The vserver (from the path; read-only)
                         * @example web-1
                         */
                        vserver?: string;
                        weight?: number | null;
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getVServerStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique name of the object
                 * @example web-1
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "activeConnections": {
                     *         "byAgent": {
                     *           "agent-a": 70,
                     *           "agent-b": 67
                     *         },
                     *         "total": 137
                     *       },
                     *       "bandwidthKbps": {
                     *         "in": 1200,
                     *         "out": 56000
                     *       },
                     *       "healthPercent": 100,
                     *       "name": "web",
                     *       "quota": {
                     *         "byAgent": {
                     *           "agent-a": {
                     *             "borrowed": 4,
                     *             "exclusive": 160
                     *           }
                     *         },
                     *         "limit": 400,
                     *         "shared": 76
                     *       },
                     *       "services": [
                     *         {
                     *           "activeConnections": 70,
                     *           "agentsMonitoring": 2,
                     *           "agentsUp": 2,
                     *           "monitors": [
                     *             {
                     *               "agents": 2,
                     *               "monitor": "web-health",
                     *               "responseMs": 3.1,
                     *               "state": "UP"
                     *             }
                     *           ],
                     *           "name": "web-1",
                     *           "state": "UP"
                     *         }
                     *       ],
                     *       "spilling": false,
                     *       "spillovers": 0,
                     *       "state": "UP",
                     *       "surgeQueue": 0,
                     *       "threshold": {
                     *         "derivation": [
                     *           {
                     *             "capacity": 200,
                     *             "counted": true,
                     *             "service": "web-1",
                     *             "state": "UP"
                     *           },
                     *           {
                     *             "capacity": 200,
                     *             "counted": true,
                     *             "service": "web-2",
                     *             "state": "UP"
                     *           }
                     *         ],
                     *         "method": "dynamicconnection",
                     *         "value": 400
                     *       }
                     *     }
                     */
                    "application/json": {
                        activeConnections: {
                            byAgent: {
                                [key: string]: number;
                            };
                            total: number;
                        };
                        bandwidthKbps: {
                            in: number;
                            out: number;
                        };
                        healthPercent: number;
                        name: string;
                        quota: {
                            byAgent: {
                                [key: string]: {
                                    borrowed: number;
                                    exclusive: number;
                                };
                            };
                            limit: number;
                            shared: number;
                        } | null;
                        /** @description A content switch (once an agent reported it): the requests each rule took, summed over agents, by rule name (else #position from 0), then (default) and (none) */
                        ruleHits?: {
                            [key: string]: number;
                        };
                        /** @description selection: manager only (once an agent reported it): where new clients were placed, and the round trip to the service manager */
                        selection?: {
                            byAgent: {
                                [key: string]: {
                                    localFallbackTotal: number;
                                    managerTotal: number;
                                    /** @description The manager's round trip as the agent measures it (ms, median of its recent questions) */
                                    rttP50Ms: number | null;
                                    rttP99Ms: number | null;
                                };
                            };
                            /** @description New clients the agents placed themselves: the manager unreachable, slower than their selectionBudgetMs, or without a service */
                            localFallbackTotal: number;
                            /** @description New clients the service manager placed, summed over the agents' reports */
                            managerTotal: number;
                        };
                        services: {
                            activeConnections: number;
                            agentsMonitoring: number;
                            agentsUp: number;
                            /** @description Under application feedback only: the weight, capacity (its place in the threshold's derivation) and state the service is served with — the agent-check feedback most reporting agents serve (agents: how many), then what its backends pushed */
                            effective?: {
                                agents: number;
                                capacity: number;
                                drain: boolean;
                                /** @description agent-check: the agents' probes; push: POST /v1/services/{name}/feedback; both: the pushed feedback on top of the probes' */
                                source?: "agent-check" | "push" | "both";
                                state: "enabled" | "disabled" | "maintenance";
                                weight: number;
                            };
                            /** MaintenanceStatus */
                            maintenance?: {
                                /** @description Connections closed at the drain deadline */
                                drainClosed: number;
                                /** @description Connections draining now (younger than migrateAfterSeconds, of a service without a migration endpoint, or whose migration failed) */
                                draining: number;
                                /** @description Migrations that failed: the connection stayed on the service, or was closed when the failure came after the source let go */
                                failed: number;
                                lastFailure: {
                                    agent: string;
                                    /** Format: date-time */
                                    at: string;
                                    /** @description no_target, export_refused, export_failed, export_timeout, output_timeout, output_overrun, source_closed, target_connect_failed, client_closed */
                                    code: string;
                                    message: string;
                                } | null;
                                /** @description Connections moved off this service (cumulative, per agent run) */
                                migrated: number;
                                /** @description Connections being migrated now */
                                migrating: number;
                            };
                            monitors: {
                                /** @description Agents reporting this monitor */
                                agents: number;
                                monitor: string;
                                /** @description Mean of the last response times the agents reported */
                                responseMs: number | null;
                                /** @description The state most reporting agents see (a tie is DOWN; PENDING before any answer) */
                                state: ("UP" | "DOWN") | "PENDING";
                            }[];
                            name: string;
                            state: "UP" | "DOWN";
                        }[];
                        /** @description siteBalancing only: what each site has available for it as the last exchange computed it (the weight sum of its services UP; 0: nothing is forwarded there) (docs/SITES.md) */
                        sites?: {
                            [key: string]: number;
                        };
                        /** @description Active connections reached the limit (new ones spill), or a spillover episode is open: vserver.spillover_started recorded, its stopped not yet (any method) */
                        spilling: boolean;
                        spillovers: number;
                        state: "UP" | "DOWN";
                        /** @description Clients waiting in the surge queue, summed over agents */
                        surgeQueue: number;
                        threshold: {
                            derivation: {
                                capacity: number;
                                counted: boolean;
                                service: string;
                                state: "UP" | "DOWN";
                            }[];
                            method: ("connection" | "dynamicconnection") | null;
                            value: number | null;
                        };
                    };
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one shape of every 4xx/5xx answer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too Many Requests: too many failed authentications from this address (code SPILLWAY_API_AUTH_RATE_LIMITED); requests with a valid token are still served */
            429: {
                headers: {
                    /** @description Seconds until the window of counted failures ends */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Service Unavailable: the database is unavailable (code SPILLWAY_API_DATABASE_UNAVAILABLE; retry after Retry-After seconds) or the server is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying (sent while the database is unavailable) */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
