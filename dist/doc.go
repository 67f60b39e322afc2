// Package dist holds stlview's desktop integration, the files that make
// install puts in place beside the binary:
//
//   - stlview.desktop, the menu entry: opens files and folders (Exec=stlview
//     %F) and the STL types, and names the window class (StartupWMClass) so
//     that docks match the window to its entry;
//   - stlview.xml, the shared-mime-info package: model/stl for *.stl in any
//     case and for text starting with "solid", and model/x.stl-gzip for
//     *.stl.gz;
//   - stlview.thumbnailer, the freedesktop thumbnailer entry that file
//     managers run as stlview --thumbnail SIZE INPUT OUTPUT.
//
// The icons are in assets/icons, drawn by dist/icongen. The package has no
// Go API: its tests install with the Makefile into a scratch folder and
// check the result, down to a thumbnail made by the installed entry's own
// command inside the bubblewrap sandbox GNOME runs thumbnailers in.
package dist
