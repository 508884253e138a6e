/**
 * One picture file as the test pass sees it: decoded (PNG or JPEG), then prepared by testPicture.ts, which the
 * exported web app shares. Prediction and inspection go through here, so a picture given by file gets the same
 * geometry and normalisation as the test images.
 */
import { decodeRgba, readImageBytes } from './decode';
import { prepareTestPicture, type TestImage, type TestPreprocessing } from './testPicture';

export { testPassPixels, type TestImage, type TestPreprocessing } from './testPicture';

/** Reads `file` and prepares it like a test image; errors name the file. */
export function testImageFromFile(file: string, prep: TestPreprocessing, maxPixels: number): TestImage {
  return prepareTestPicture(decodeRgba(readImageBytes(file, maxPixels), file, maxPixels), prep, file);
}
