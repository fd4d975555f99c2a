/** The longest side a photo keeps: plenty to see a defect, a few hundred KB as JPEG. */
const MAX_SIDE = 1600;
const QUALITY = 0.85;

/**
 * A phone photo (often over 5 MiB, or HEIC) as a JPEG the service takes: decoded by the browser,
 * scaled down to MAX_SIDE, re-encoded (which also drops its EXIF data, location included).
 * Undefined when the browser cannot decode it.
 */
export async function shrinkToJpeg(file: Blob): Promise<Blob | undefined> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return undefined;
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  // JPEG has no transparency: a transparent PNG gets a white background, not a black one.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve) =>
    canvas.toBlob((blob) => resolve(blob ?? undefined), 'image/jpeg', QUALITY),
  );
}

export function jpegName(name: string): string {
  return `${name.replace(/\.[^./]*$/, '') || 'photo'}.jpg`;
}
