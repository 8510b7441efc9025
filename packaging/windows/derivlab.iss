; Inno Setup 6 script: a derivlab setup .exe from the PyInstaller folder.
;
; Built by packaging/build.sh on Windows (Git Bash or MSYS2) when iscc is on PATH:
;   iscc /DEdition=cpu /DAppVersion=0.1.0 /DBundleDir=C:\path\to\dist\cpu\derivlab /OC:\path\to\dist derivlab.iss
; or by hand from this folder after "pyinstaller packaging\derivlab.spec -- --edition cpu"
; (the defaults below point at dist\cpu\derivlab).
;
; The installer is per user by default (no administrator rights needed; installs to
; %LOCALAPPDATA%\Programs\derivlab) and offers an all-users install when run as administrator.
; The CPU and GPU editions share one AppId: installing one replaces the other.

#ifndef Edition
  #define Edition "cpu"
#endif
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\" + Edition + "\derivlab"
#endif
#define EditionName UpperCase(Edition) + " edition"

[Setup]
AppId={{6E0C4B8A-3F2D-4C71-9B5E-2A7D8F14C930}
AppName=derivlab
AppVersion={#AppVersion}
AppVerName=derivlab {#AppVersion} ({#EditionName})
AppPublisher=the derivlab authors
AppComments=Make derivatives visible: interactive scenes for calculus and machine learning
DefaultDirName={autopf}\derivlab
DefaultGroupName=derivlab
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=derivlab-{#AppVersion}-windows-x64-{#Edition}-setup
SetupIconFile=..\..\assets\icons\derivlab.ico
UninstallDisplayIcon={app}\derivlab.exe
UninstallDisplayName=derivlab ({#EditionName})
LicenseFile=..\..\LICENSE
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Files of the other edition (CuPy, NVIDIA libraries) must not linger after switching editions.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\derivlab"; Filename: "{app}\derivlab.exe"; Comment: "Make derivatives visible"
Name: "{autoprograms}\derivlab third-party notices"; Filename: "{app}\THIRD_PARTY_NOTICES.txt"
Name: "{autodesktop}\derivlab"; Filename: "{app}\derivlab.exe"; Tasks: desktopicon

[Registry]
; Lessons are *.derivlab.toml, but Windows associates by the last extension only, and
; derivlab must not take over every .toml file: it is offered under "Open with" instead.
Root: HKA; Subkey: "Software\Classes\derivlab.lesson"; ValueType: string; ValueName: ""; ValueData: "derivlab lesson"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\derivlab.lesson\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\derivlab.exe,0"
Root: HKA; Subkey: "Software\Classes\derivlab.lesson\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\derivlab.exe"" --lesson ""%1"""
Root: HKA; Subkey: "Software\Classes\.toml\OpenWithProgids"; ValueType: string; ValueName: "derivlab.lesson"; ValueData: ""; Flags: uninsdeletevalue

[Run]
Filename: "{app}\derivlab.exe"; Description: "{cm:LaunchProgram,derivlab}"; Flags: nowait postinstall skipifsilent
