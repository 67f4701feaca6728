/** The two Atlas Administration API generations the gateway speaks. */
export type AtlasApiVersion = "v1.0" | "v2";
