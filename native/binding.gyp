{
  "targets": [
    {
      "target_name": "infoplane_native",
      "sources": [
        "src/addon.cc", "src/args.cc", "src/handle.cc",
        "src/ops_runtime.cc", "src/ops_creation.cc", "src/ops_pointwise.cc", "src/ops_reduce.cc",
        "src/ops_shape.cc", "src/ops_nn.cc", "src/ops_inplace.cc", "src/ops_autograd.cc"
      ],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node resolve-libtorch.cjs include)"
      ],
      "defines": ["NAPI_EXPERIMENTAL", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=c++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O3", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": ["<!@(node resolve-libtorch.cjs ldflags)", "-ltorch", "-ltorch_cpu", "-lc10"],
      "dependencies": ["fused_kernels"]
    },
    {
      "target_name": "fused_kernels",
      "type": "static_library",
      "sources": ["src/fused_exp_sums.cc"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=c++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffast-math", "-fopenmp-simd", "-fPIC"]
    }
  ]
}
