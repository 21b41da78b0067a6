// tessera C#: fast inverse square root, deterministic RNG, alias tables, prefix-sum samplers, PRD.
using System;
using System.Runtime.InteropServices;

namespace Tessera
{
    /// <summary>Seed constants of the fast inverse square root.</summary>
    public enum Magic : uint
    {
        Quake = NativeMethods.TESS_RSQRT_QUAKE,
        Lomont = NativeMethods.TESS_RSQRT_LOMONT,
        Moroz = NativeMethods.TESS_RSQRT_MOROZ,
    }

    /// <summary>Fast inverse square root and vector normalisation.</summary>
    public static unsafe class FastMath
    {
        public static float Rsqrt(float x, Magic magic = Magic.Lomont, uint iterations = 1)
        {
            float result;
            Status.Check(NativeMethods.tess_rsqrt_f32(x, (uint)magic, iterations, &result));
            return result;
        }

        public static double Rsqrt(double x, Magic magic = Magic.Lomont, uint iterations = 2)
        {
            double result;
            Status.Check(NativeMethods.tess_rsqrt_f64(x, (uint)magic, iterations, &result));
            return result;
        }

        /// <summary>Replaces every element with its inverse square root.</summary>
        public static void RsqrtInPlace(Span<float> data, Magic magic = Magic.Lomont, uint iterations = 1)
        {
            fixed (float* p = &MemoryMarshal.GetReference(data))
            {
                Status.Check(NativeMethods.tess_rsqrt_f32_batch(p, p, (uint)data.Length, (uint)magic, iterations));
            }
        }

        /// <summary>Writes 1/sqrt(input[i]) to output[i].</summary>
        public static void Rsqrt(ReadOnlySpan<float> input, Span<float> output, Magic magic = Magic.Lomont, uint iterations = 1)
        {
            if (output.Length < input.Length) throw new ArgumentException("output is shorter than input");
            fixed (float* i = &MemoryMarshal.GetReference(input))
            fixed (float* o = &MemoryMarshal.GetReference(output))
            {
                Status.Check(NativeMethods.tess_rsqrt_f32_batch(i, o, (uint)input.Length, (uint)magic, iterations));
            }
        }

        public static TessVec3 Normalize(TessVec3 v, Magic magic = Magic.Lomont, uint iterations = 1)
        {
            TessVec3 result;
            Status.Check(NativeMethods.tess_normalize3(v, (uint)magic, iterations, &result));
            return result;
        }
    }

    /// <summary>Deterministic xoshiro256++ generator; the same seed gives the same numbers as C, C++ and Rust.
    /// One thread at a time; Clone() forks the stream, Jump() separates streams.</summary>
    public sealed unsafe class Rng
    {
        internal TessRng state;

        public Rng(ulong seed)
        {
            fixed (TessRng* s = &state) Status.Check(NativeMethods.tess_rng_seed(s, seed));
        }

        private Rng(TessRng state)
        {
            this.state = state;
        }

        public Rng Clone()
        {
            return new Rng(state);
        }

        public ulong NextU64()
        {
            ulong v;
            fixed (TessRng* s = &state) Status.Check(NativeMethods.tess_rng_next_u64(s, &v));
            return v;
        }

        public uint NextU32()
        {
            uint v;
            fixed (TessRng* s = &state) Status.Check(NativeMethods.tess_rng_next_u32(s, &v));
            return v;
        }

        public double NextDouble()
        {
            double v;
            fixed (TessRng* s = &state) Status.Check(NativeMethods.tess_rng_next_f64(s, &v));
            return v;
        }

        public float NextFloat()
        {
            float v;
            fixed (TessRng* s = &state) Status.Check(NativeMethods.tess_rng_next_f32(s, &v));
            return v;
        }

        /// <summary>Unbiased integer in [0, bound).</summary>
        public ulong Below(ulong bound)
        {
            ulong v;
            fixed (TessRng* s = &state) Status.Check(NativeMethods.tess_rng_below(s, bound, &v));
            return v;
        }

        public void Fill(Span<ulong> output)
        {
            fixed (TessRng* s = &state)
            fixed (ulong* o = &MemoryMarshal.GetReference(output))
            {
                Status.Check(NativeMethods.tess_rng_fill_u64(s, o, (uint)output.Length));
            }
        }

        public void Jump()
        {
            fixed (TessRng* s = &state) Status.Check(NativeMethods.tess_rng_jump(s));
        }
    }

    /// <summary>O(1) weighted sampling (Vose's alias method). Immutable: sample from any thread,
    /// each with its own Rng.</summary>
    public sealed unsafe class AliasTable : TessHandle
    {
        public AliasTable(ReadOnlySpan<double> weights)
        {
            TessAliasTable* raw;
            fixed (double* w = &MemoryMarshal.GetReference(weights))
            {
                Status.Check(NativeMethods.tess_alias_table_new(w, (uint)weights.Length, &raw));
            }
            SetHandle((IntPtr)raw);
        }

        public uint Count
        {
            get
            {
                uint n;
                Status.Check(NativeMethods.tess_alias_table_len((TessAliasTable*)Raw, &n));
                return n;
            }
        }

        public uint Sample(Rng rng)
        {
            uint v;
            fixed (TessRng* s = &rng.state)
            {
                Status.Check(NativeMethods.tess_alias_table_sample((TessAliasTable*)Raw, s, &v, 1));
            }
            return v;
        }

        public void Sample(Rng rng, Span<uint> output)
        {
            fixed (TessRng* s = &rng.state)
            fixed (uint* o = &MemoryMarshal.GetReference(output))
            {
                Status.Check(NativeMethods.tess_alias_table_sample((TessAliasTable*)Raw, s, o, (uint)output.Length));
            }
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_alias_table_free((TessAliasTable*)handle);
            return true;
        }
    }

    /// <summary>Pseudo-random distribution: chance grows by C per failure and resets on success.</summary>
    public sealed unsafe class Prd
    {
        private TessPrd state;

        public Prd(double p)
        {
            fixed (TessPrd* s = &state) Status.Check(NativeMethods.tess_prd_init(s, p));
        }

        public double C
        {
            get { return state.c; }
        }

        public static double CFromP(double p)
        {
            double c;
            Status.Check(NativeMethods.tess_prd_c_from_p(p, &c));
            return c;
        }

        public bool Roll(Rng rng)
        {
            byte hit = 0;
            fixed (TessPrd* s = &state)
            fixed (TessRng* r = &rng.state)
            {
                Status.Check(NativeMethods.tess_prd_roll(s, r, &hit));
            }
            return hit != 0;
        }
    }
}
