import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
// Gzipped on purpose: skopeo compresses uncompressed layers on push, which
// would change the manifest and so its digest.
const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

type Descriptor = {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
};

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

// A one-file ustar archive; tar is simple enough that a dependency is not
// worth it for a test image.
function tarWithOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512, 0);
  const field = (value: string, offset: number, length: number) =>
    header.write(value, offset, length, 'ascii');
  const octal = (value: number, length: number) =>
    `${value.toString(8).padStart(length - 1, '0')}\0`;
  field(name, 0, 100);
  field(octal(0o644, 8), 100, 8);
  field(octal(0, 8), 108, 8);
  field(octal(0, 8), 116, 8);
  field(octal(content.length, 12), 124, 12);
  field(octal(0, 12), 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024, 0)]);
}

class LayoutWriter {
  constructor(private readonly dir: string) {}

  async blob(data: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = sha256(data);
    await writeFile(
      join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)),
      data,
    );
    return { mediaType, digest, size: data.length };
  }

  async json(value: unknown, mediaType: string): Promise<Descriptor> {
    return this.blob(Buffer.from(JSON.stringify(value)), mediaType);
  }
}

function parsePlatform(platform: string) {
  const [os, architecture, variant] = platform.split('/');
  if (!os || !architecture) {
    throw new Error(`Platform must be os/arch[/variant], got "${platform}"`);
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

async function writeImage(
  layout: LayoutWriter,
  platform: string,
  label: string,
): Promise<Descriptor> {
  // Random content makes every push a new digest, so tests never see an
  // image another test pushed.
  const tar = tarWithOneFile(
    'rollback-guard.txt',
    Buffer.from(`${label} ${platform} ${randomUUID()}\n`),
  );
  const layer = await layout.blob(gzipSync(tar), OCI_LAYER_GZIP);
  const { os, architecture, variant } = parsePlatform(platform);
  const config = await layout.json(
    {
      architecture,
      os,
      ...(variant ? { variant } : {}),
      config: {},
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    },
    OCI_CONFIG,
  );
  return layout.json(
    {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config,
      layers: [layer],
    },
    OCI_MANIFEST,
  );
}

/**
 * Writes an OCI image layout holding one image (or, with several platforms,
 * an image index) under `tag`, and returns the digest of what the tag names.
 *
 * @internal
 */
export async function writeOciLayout(
  dir: string,
  options: { tag: string; label: string; platforms?: string[] },
): Promise<{ digest: string; mediaType: string }> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const layout = new LayoutWriter(dir);
  let top: Descriptor;
  if (options.platforms && options.platforms.length > 0) {
    const manifests: Descriptor[] = [];
    for (const platform of options.platforms) {
      const manifest = await writeImage(layout, platform, options.label);
      manifests.push({ ...manifest, platform: parsePlatform(platform) });
    }
    top = await layout.json(
      { schemaVersion: 2, mediaType: OCI_INDEX, manifests },
      OCI_INDEX,
    );
  } else {
    top = await writeImage(layout, 'linux/amd64', options.label);
  }
  await writeFile(
    join(dir, 'oci-layout'),
    JSON.stringify({ imageLayoutVersion: '1.0.0' }),
  );
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          ...top,
          annotations: { 'org.opencontainers.image.ref.name': options.tag },
        },
      ],
    }),
  );
  return { digest: top.digest, mediaType: top.mediaType };
}
