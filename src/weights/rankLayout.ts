/**
 * torch's layouts and the engine's, told apart by rank alone: every 4-D weight is a convolution's (Conv2d,
 * ConvTranspose2d, the 1×1 convolutions of SqueezeExcitation: torch [a, b, kh, kw], engine [kh, kw, b, a]), every
 * 2-D one a Linear's (torch [out, in], engine [in, out]); other ranks are laid out alike.
 */

/** Axis order taking a torch tensor of this rank to the engine's layout (undefined: the same layout). */
export const TORCH_TO_ENGINE: Readonly<Record<number, readonly number[]>> = { 4: [2, 3, 1, 0], 2: [1, 0] };

/** Axis order taking an engine tensor of this rank to torch's layout (the inverse of TORCH_TO_ENGINE). */
export const ENGINE_TO_TORCH: Readonly<Record<number, readonly number[]>> = { 4: [3, 2, 0, 1], 2: [1, 0] };
