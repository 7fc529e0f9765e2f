{
  "targets": [
    {
      "target_name": "nascent_torch",
      "sources": ["native/torch/addon.cc", "native/torch/graph.cc", "native/torch/model.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "<!@(node scripts/torch-paths.mjs include)"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "_GLIBCXX_USE_CXX11_ABI=1"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": ["-L<!(node scripts/torch-paths.mjs libdir)", "-Wl,--disable-new-dtags", "-Wl,-rpath,<!(node scripts/torch-paths.mjs libdir)", "-Wl,-rpath,/usr/lib/x86_64-linux-gnu/openblas-openmp", "-ltorch", "-ltorch_cpu", "-lc10"]
    }
  ]
}
