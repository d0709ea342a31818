"""Torch's float32 -> bfloat16 / float16 roundings, saved with safetensors, for HalfPrecisionTorchTest.

Writes src/test/resources/hf-rounding/torch_roundings.safetensors holding three tensors:
  f32   the inputs (float32): special values, ties and near-ties of both formats around 1.0, at
        the largest finite values and in the subnormal ranges, then random bit patterns;
  bf16  f32.to(torch.bfloat16)
  f16   f32.to(torch.float16)
The file is written by the safetensors library itself, so the Java test also reads a file that
the reference implementation wrote. Run from the repository root with the environment described
in src/test/python/README.md (any torch >= 2.0 gives the same bits): python
src/test/python/make_rounding_reference.py
"""

import struct

import torch
from safetensors.torch import save_file


def f32_from_bits(bits):
    return struct.unpack("<f", struct.pack("<I", bits & 0xFFFFFFFF))[0]


def main():
    values = [0.0, -0.0, 1.0, -1.0, float("inf"), float("-inf"), float("nan"),
              3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45, 1.17549435e-38]
    one = 0x3F800000
    for base in (one, 0x7F7F0000, 0x00010000, 0x477FE000, 0x387FC000, 0x33800000):
        for delta in range(-3, 4):
            for low in (0x0000, 0x1000, 0x7FFF, 0x8000, 0x8001, 0xFFFF):
                values.append(f32_from_bits(base + (delta << 16) + low))
                values.append(f32_from_bits(base + (delta << 13) + (low >> 3)))
    generator = torch.Generator().manual_seed(20261203)
    bits = torch.randint(-(2**31), 2**31, (16384 - len(values),), generator=generator, dtype=torch.int64)
    values.extend(f32_from_bits(int(b)) for b in bits)
    f32 = torch.tensor(values, dtype=torch.float32)
    save_file(
        {"f32": f32, "bf16": f32.to(torch.bfloat16), "f16": f32.to(torch.float16)},
        "src/test/resources/hf-rounding/torch_roundings.safetensors",
        metadata={"format": "pt", "torch": torch.__version__},
    )


if __name__ == "__main__":
    main()
