import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as plain data. */
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
};

interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ path: string }>;
  configMapGenerator?: Array<{
    name: string;
    files?: string[];
    literals?: string[];
    options?: { labels?: Record<string, string> };
  }>;
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'images',
  'patches',
  'configMapGenerator',
  'generatorOptions',
]);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

export async function readYamlDocuments(path: string): Promise<Manifest[]> {
  const documents = parseAllDocuments(await readFile(path, 'utf8'));
  return documents
    .map((document) => {
      if (document.errors.length > 0)
        throw new Error(`${path}: ${document.errors.map(String).join('; ')}`);
      return document.toJS() as Manifest;
    })
    .filter(Boolean);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strategic merge, simplified: maps merge deeply, lists of named items merge by `name`, other lists are replaced. */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (isObject(target) && isObject(patch)) {
    const merged: Record<string, unknown> = { ...target };
    for (const [key, value] of Object.entries(patch))
      merged[key] = key in target ? strategicMerge(target[key], value) : value;
    return merged;
  }
  const named = (list: unknown[]) =>
    list.every((item) => isObject(item) && typeof item['name'] === 'string');
  if (Array.isArray(target) && Array.isArray(patch) && named(target) && named(patch)) {
    const merged = (target as unknown[]).map((item): unknown => {
      const match = patch.find(
        (candidate) => (candidate as { name: string }).name === (item as { name: string }).name,
      );
      return match ? strategicMerge(item, match) : item;
    });
    for (const item of patch as unknown[]) {
      if (
        !(target as unknown[]).some(
          (existing) => (existing as { name: string }).name === (item as { name: string }).name,
        )
      )
        merged.push(item);
    }
    return merged;
  }
  return patch;
}

function setImages(value: unknown, images: NonNullable<Kustomization['images']>): unknown {
  if (Array.isArray(value)) return value.map((item) => setImages(item, images));
  if (!isObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'image' && typeof inner === 'string') {
      const [name, tag] = inner.split(':') as [string, string | undefined];
      const rule = images.find((image) => image.name === name);
      copy[key] = rule ? `${rule.newName ?? name}:${rule.newTag ?? tag ?? 'latest'}` : inner;
    } else {
      copy[key] = setImages(inner, images);
    }
  }
  return copy;
}

/**
 * A minimal `kustomize build`: resources (files and nested kustomization folders), namespace
 * (objects and ServiceAccount subjects of RoleBindings), images, configMapGenerator with files,
 * literals and labels (no name hash: our base disables it), and strategic-merge patches matched by kind
 * and name. It throws on any other kustomization field, so it cannot silently ignore one.
 */
export async function renderKustomization(directory: string): Promise<Manifest[]> {
  const [kustomization] = (await readYamlDocuments(
    join(directory, 'kustomization.yaml'),
  )) as unknown as Kustomization[];
  if (!kustomization) throw new Error(`${directory}: empty kustomization`);
  const unknownFields = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unknownFields.length > 0)
    throw new Error(`${directory}: the test renderer does not support ${unknownFields.join(', ')}`);
  if (kustomization.configMapGenerator && !kustomization.generatorOptions?.disableNameSuffixHash) {
    throw new Error(`${directory}: the test renderer needs generatorOptions.disableNameSuffixHash`);
  }
  let objects: Manifest[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(directory, resource);
    objects.push(
      ...((await stat(path)).isDirectory()
        ? await renderKustomization(path)
        : await readYamlDocuments(path)),
    );
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const file of generator.files ?? [])
      data[basename(file)] = await readFile(join(directory, file), 'utf8');
    for (const literal of generator.literals ?? []) {
      const [key, ...rest] = literal.split('=');
      data[key ?? ''] = rest.join('=');
    }
    const labels = generator.options?.labels;
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generator.name, ...(labels ? { labels } : {}) },
      data,
    });
  }
  for (const patch of kustomization.patches ?? []) {
    for (const document of await readYamlDocuments(join(directory, patch.path))) {
      const index = objects.findIndex(
        (object) =>
          object.kind === document.kind && object.metadata.name === document.metadata.name,
      );
      if (index < 0)
        throw new Error(
          `${directory}: patch ${patch.path} matches no ${document.kind} ${document.metadata.name}`,
        );
      objects[index] = strategicMerge(objects[index], document) as Manifest;
    }
  }
  if (kustomization.images)
    objects = objects.map((object) => setImages(object, kustomization.images ?? []) as Manifest);
  const namespace = kustomization.namespace;
  if (namespace) {
    objects = objects.map((object) => {
      if (object.kind === 'Namespace')
        return { ...object, metadata: { ...object.metadata, name: namespace } };
      const renamed = CLUSTER_SCOPED.has(object.kind)
        ? object
        : { ...object, metadata: { ...object.metadata, namespace } };
      if (object.kind === 'RoleBinding' && Array.isArray(object['subjects'])) {
        renamed['subjects'] = (object['subjects'] as Array<Record<string, unknown>>).map(
          (subject) => (subject['kind'] === 'ServiceAccount' ? { ...subject, namespace } : subject),
        );
      }
      return renamed;
    });
  }
  return objects;
}
