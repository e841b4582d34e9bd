// The slice of OpenAPI 3.1 this project writes. Schemas are JSON Schema 2020-12, left open.

export type JsonSchema = Record<string, unknown>;

export interface Header {
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface MediaType {
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, Header>;
  content?: Record<string, MediaType>;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  description: string;
  schema: JsonSchema;
}

export interface RequestBody {
  description?: string;
  required: boolean;
  content: Record<string, MediaType>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface Operation {
  tags: string[];
  operationId: string;
  summary: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: RequestBody;
  security: SecurityRequirement[];
  responses: Record<string, ResponseObject>;
}

export type Method = 'get' | 'put' | 'post' | 'delete';
export type PathItem = Partial<Record<Method, Operation>> & { parameters?: Parameter[] };
export type Paths = Record<string, PathItem>;
